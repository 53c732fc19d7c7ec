import { errorCatalogue, type ErrorName } from '@tessera/contracts';

export interface EnvelopeBody<D> {
  success: boolean;
  data: D | null;
  errorCode: number;
  errorMessage: string;
}

/** A successful answer, as its schema (contracts' Envelope) states it. */
export interface SuccessBody<D> {
  success: true;
  data: D;
  errorCode: 0;
  errorMessage: '';
}

export function success<D>(data: D): SuccessBody<D> {
  return { success: true, data, errorCode: 0, errorMessage: '' };
}

export function failure(name: ErrorName, detail?: string): EnvelopeBody<never> {
  const entry = errorCatalogue[name];
  return {
    success: false,
    data: null,
    errorCode: entry.errorCode,
    errorMessage: detail ? `${entry.message} ${detail}` : entry.message,
  };
}
