/** Builders for notifier tests: identity events as they arrive on the bus, and a notifier wired to fakes. */
import { Writable } from 'node:stream';
import { generateBoxKeyPair, generateSecretKey, sealJson, type BoxKeyPair } from '@tessera/crypto';
import type { OtpPurposeName, SealedStepUpDetails } from '@tessera/contracts';
import {
  createPersonalDataProtector,
  createSqliteKeyStore,
  deriveKeyEncryptionKey,
  type PersonalDataProtector,
} from '@tessera/personal-data';
import { createLogger } from '@tessera/logging';
import { createSqliteViewStore } from '@tessera/read-models';
import type { SmsSender } from '@tessera/sms';
import { eventMessage, otpIssued, storedEvent } from '@tessera/testing';
import type { Test } from 'tap';
import { createDispatchLedger, createSmsNotifier, type DeadLetter, type SmsOutcome } from '../src/index.ts';

export const now = new Date('2026-01-01T10:00:00.000Z');

/** An `OtpIssued` of user `u1` as the notifier receives it, its code sealed to `publicKey`. */
export function otpIssuedMessage(
  publicKey: Buffer,
  overrides: {
    eventId?: string;
    expiresAt?: string;
    sealed?: string;
    purpose?: OtpPurposeName;
    stepUp?: SealedStepUpDetails;
    to?: string;
    locale?: string;
    code?: string;
  } = {},
) {
  const delivery = {
    code: overrides.code ?? '4821',
    to: overrides.to ?? '+33612345678',
    ...(overrides.locale ? { locale: overrides.locale } : {}),
    ...(overrides.stepUp ? { stepUp: overrides.stepUp } : {}),
  };
  const event = otpIssued({
    userId: 'u1',
    issuedAt: now.toISOString(),
    expiresAt: overrides.expiresAt ?? new Date(now.getTime() + 300_000).toISOString(),
    sealedDelivery: overrides.sealed ?? sealJson(publicKey, delivery),
    ...(overrides.purpose ? { purpose: overrides.purpose } : {}),
  });
  return eventMessage(storedEvent(event, overrides.eventId ? { eventId: overrides.eventId } : {}));
}

/** A `PasswordChanged` of user `u1`, its notice sealed to `publicKey`. */
export function passwordChangedMessage(publicKey: Buffer, to = '+44712345678') {
  const data = { userId: 'u1', sessionId: 'r1', sealedNotice: sealJson(publicKey, { to }) };
  return eventMessage(storedEvent({ type: 'PasswordChanged', data }));
}

/** Per-user keys in a throwaway store, as identity and the notifier share them. */
export function personalDataKeys(): PersonalDataProtector {
  return createPersonalDataProtector({
    keyStore: createSqliteKeyStore({ path: ':memory:' }),
    keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()),
  });
}

/** The message as identity stores and publishes it: personal fields encrypted with the user's key. */
export async function encrypted<M extends { value: { type: string; data: Record<string, unknown> } }>(
  personalData: PersonalDataProtector,
  message: M,
): Promise<M> {
  return {
    ...message,
    value: { ...message.value, data: await personalData.protect(message.value.type, message.value.data) },
  };
}

export function notifierWith(
  sms: SmsSender,
  options: { keyPair?: BoxKeyPair; store?: ReturnType<typeof createSqliteViewStore> } = {},
) {
  const personalData = personalDataKeys();
  const keyPair = options.keyPair ?? generateBoxKeyPair();
  const store = options.store ?? createSqliteViewStore({ path: ':memory:' });
  const lines: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const outcomes: SmsOutcome[] = [];
  const logger = createLogger('notifier', {
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const notify = createSmsNotifier({
    sms,
    keyPair,
    personalData,
    logger,
    clock: () => now,
    messages: { brand: 'Acme Bank' },
    ledger: createDispatchLedger(store),
    deadLetter: async (entry) => void deadLetters.push(entry),
    recordOutcome: async (_userId, outcome) => void outcomes.push(outcome),
  });
  return { keyPair, store, lines, deadLetters, outcomes, notify, personalData };
}

/**
 * The state a notifier killed mid-dispatch leaves behind: an `OtpIssued`
 * whose intent is in the ledger, with no record of the outcome.
 */
export async function interruptedDispatch(t: Test) {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  const message = otpIssuedMessage(keyPair.publicKey);
  await createDispatchLedger(store).begin(message.value.eventId, message.value.position);
  return { store, keyPair, message };
}
