import { errorCatalogue, type ErrorName } from '@tessera/contracts';

export interface EnvelopeBody<D> {
  success: boolean;
  data: D | null;
  errorCode: number;
  errorMessage: string;
}

export function success<D>(data: D): EnvelopeBody<D> {
  return { success: true, data, errorCode: 0, errorMessage: '' };
}

export function failure(name: ErrorName, detail?: string): EnvelopeBody<never> {
  const entry = errorCatalogue[name];
  return { success: false, data: null, errorCode: entry.errorCode, errorMessage: detail ? `${entry.message} ${detail}` : entry.message };
}
