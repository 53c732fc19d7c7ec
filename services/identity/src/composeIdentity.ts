/**
 * Identity composed from its adapters and settings, the same in its own
 * process (main.ts) and in the embedded default: the service with the dev
 * KYC provider and wallet, serving commands on the bus, the relay that
 * publishes what it stores, and the checkpointer that signs the log.
 */
import { createPasswordHasher, type PasswordHashingParameters } from '@tessera/crypto';
import type { AuditKey, EventStore } from '@tessera/event-store';
import type { Logger } from '@tessera/logging';
import type { Consumer, MessageBus } from '@tessera/messaging';
import type { PersonalDataProtector } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import type { Keyring, Metrics } from '@tessera/runtime';
import { loadBreachedPasswordList } from './adapters/fileBreachedPasswordList.ts';
import { serveIdentityCommands } from './application/commandServer.ts';
import type { IdentityConfig } from './application/identityConfig.ts';
import { createIdentityService, type IdentityService } from './application/identityService.ts';
import { startRelay, type CheckpointStore, type Relay } from './application/relay.ts';
import { startCheckpointer, type Checkpointer } from './application/checkpointer.ts';
import type { AuditCheckpointSettings } from './identityEnv.ts';

export interface IdentityAdapters {
  eventStore: EventStore;
  bus: MessageBus;
  personalData: PersonalDataProtector;
  /** Where the relay keeps how far it has published. */
  relayCheckpoints: CheckpointStore;
  /** When given, command durations and the relay's position are recorded. */
  metrics?: Metrics;
}

export interface IdentitySettings {
  config: IdentityConfig;
  passwordHashing: PasswordHashingParameters;
  keyring: Pick<Keyring, 'hashingKey' | 'commandKeyPair' | 'notifierKeyPair'>;
  /** Where the dev KYC provider sends users: the gateway's address, or how to know it once it listens. */
  kycPublicBaseUrl: string | (() => string);
  clock: () => Date;
  /** The audit key and how often it signs a checkpoint of the log; where the relay runs, it is given. */
  audit?: AuditCheckpointSettings & { key: AuditKey };
}

export interface ComposedIdentity {
  /** Handles commands in this process (what the command server runs them through). */
  service: IdentityService;
  /** Serves `identity.commands.v1`. */
  commands: Consumer;
  /**
   * Starts publishing stored events. Separate, so that a process whose bus
   * keeps no messages (in-process) starts it once its consumers subscribed.
   */
  startRelay(): Promise<Relay>;
  /** Starts signing checkpoints of the log (one checkpointer per log, beside the relay); none without an audit key. */
  startCheckpointer(): Promise<Checkpointer | undefined>;
}

export async function composeIdentity(
  adapters: IdentityAdapters,
  settings: IdentitySettings,
  logger: Logger,
): Promise<ComposedIdentity> {
  const { eventStore, bus, metrics } = adapters;
  const { keyring } = settings;
  const breachedPasswords = loadBreachedPasswordList();
  logger.info({ entries: breachedPasswords.size }, 'breached-password list loaded');
  const service = createIdentityService({
    eventStore,
    personalData: adapters.personalData,
    kycProvider: createDevKycProvider({ publicBaseUrl: settings.kycPublicBaseUrl }),
    wallet: createDevWalletIssuer(),
    passwordHasher: await createPasswordHasher(settings.passwordHashing),
    breachedPasswords,
    keys: {
      hashingKey: keyring.hashingKey,
      commandKeyPair: keyring.commandKeyPair,
      notifierPublicKey: keyring.notifierKeyPair.publicKey,
    },
    config: settings.config,
    clock: settings.clock,
  });
  const commands = await serveIdentityCommands(
    bus,
    metrics ? timed(service, metrics) : service,
    logger,
    keyring.commandKeyPair,
  );
  return {
    service,
    commands,
    startRelay: () =>
      startRelay({
        eventStore,
        bus,
        checkpoints: adapters.relayCheckpoints,
        logger: logger.child({ component: 'relay' }),
        ...(metrics ? { onPublished: (position: number) => metrics.relayPosition.set(position) } : {}),
      }),
    startCheckpointer: async () =>
      settings.audit &&
      startCheckpointer({
        eventStore,
        key: settings.audit.key,
        everyEvents: settings.audit.everyEvents,
        everySeconds: settings.audit.everySeconds,
        clock: settings.clock,
        logger: logger.child({ component: 'checkpointer' }),
      }),
  };
}

/** The service with each command's duration and outcome recorded. */
function timed(service: IdentityService, metrics: Metrics): IdentityService {
  return {
    async handle(command) {
      const stop = metrics.commandDuration.startTimer({ command: command.type });
      const result = await service.handle(command);
      stop({ outcome: result.ok ? 'ok' : result.error });
      return result;
    },
  };
}
