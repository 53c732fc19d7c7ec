/**
 * Decides how a user's personal fields are shown for one reading, and opens
 * them when the credential allows: the keyring and the per-user key store are
 * opened the way the replay CLI opens them, and the disclosure is recorded in
 * the log before any field is decrypted.
 */
import type { EventStore } from '@tessera/event-store';
import type { Logger } from '@tessera/logging';
import { connectPersonalData, loadKeyring } from '@tessera/runtime';
import type { CredentialCheck } from './auditorCredential.ts';
import { UsageError } from '../subcommand.ts';
import type { HistorySettings } from './historySettings.ts';
import { recordDisclosure } from './disclosureRecord.ts';
import type { Disclosure } from './personalFields.ts';

/** The keyring's hashing key, which names reservation streams and wraps user keys. */
export function keyringHashingKey(keysFile: string): Buffer {
  try {
    return loadKeyring(keysFile).hashingKey;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; set KEYS_FILE if it lives elsewhere`);
  }
}

export interface PersonalDataAccess {
  disclosure: Disclosure;
  /** What the auditor is told about the personal fields, on stderr. */
  note: string;
  close(): Promise<void>;
}

const nothingToClose = async () => undefined;

export async function openDisclosure(
  context: { store: EventStore; settings: HistorySettings; logger: Logger },
  reading: { credential: CredentialCheck | undefined; erased: boolean; userId: string; now: Date; asOf?: string },
): Promise<PersonalDataAccess> {
  const { credential, erased } = reading;
  if (erased)
    return {
      disclosure: { kind: 'erased' },
      note: 'note: this user’s personal data was erased (their key destroyed): personal fields show as [erased], for anyone.',
      close: nothingToClose,
    };
  if (credential?.status !== 'valid')
    return {
      disclosure: { kind: 'encrypted' },
      note:
        credential?.status === 'expired'
          ? `note: the auditor credential expired at ${credential.credential.expiresAt}: personal fields show as [encrypted].`
          : 'note: no auditor credential given (--credential FILE): personal fields show as [encrypted].',
      close: nothingToClose,
    };
  const { settings, logger, store } = context;
  const { keyStore, protector } = await connectPersonalData(
    {
      mongoUrl: settings.mongoUrl,
      database: settings.keysDatabase,
      dataDir: settings.dataDir,
      hashingKey: keyringHashingKey(settings.keysFile),
    },
    logger,
  );
  try {
    await recordDisclosure(store, {
      credential: credential.credential,
      userId: reading.userId,
      at: reading.now,
      ...(reading.asOf !== undefined ? { asOf: reading.asOf } : {}),
    });
  } catch (error) {
    await keyStore.close();
    throw error;
  }
  const { auditor, credentialId } = credential.credential;
  return {
    disclosure: { kind: 'decrypted', reader: protector },
    note: `note: personal data shown to ${auditor} under credential ${credentialId}; this read is recorded in the event log.`,
    close: () => keyStore.close(),
  };
}
