import { SmsDeliveryError } from '../../src/index.ts';

/** The SmsDeliveryError a send rejected with; anything else (or success) fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<SmsDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SmsDeliveryError)) throw new Error(`expected an SmsDeliveryError, got ${String(error)}`);
  return error;
}
