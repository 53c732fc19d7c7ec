/**
 * What every command handler works with, made once when the service starts:
 * the store (encrypting personal data on the way in), the cache of stream
 * states, reservations, the ways to decide a user command, the keys, the
 * configuration and the clock.
 */
import {
  streams,
  type ErrorName,
  type EventMetadata,
  type IdentityCommand,
  type IdentityEvent,
} from '@tessera/contracts';
import { createReceivingChannel } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import { withPersonalDataProtection } from '@tessera/personal-data';
import { passwordPolicyViolation } from '../domain/passwordPolicy.ts';
import { evolveUser, initialUserState, type UserState } from '../domain/userState.ts';
import { loadStream } from './decideAndAppend.ts';
import type { IdentityDependencies } from './identityConfig.ts';
import { createPhantomUsers } from './phantomUsers.ts';
import { createReservations, type Reservations } from './reservations.ts';
import { createStreamStateCache, type StreamStateCache } from './streamStateCache.ts';
import { createDecoyPhoneNumbers } from './unknownEmailDecoys.ts';
import { createUserStreams, type UserStreams } from './userStreams.ts';

export interface CommandContext
  extends
    UserStreams,
    Pick<
      IdentityDependencies,
      'passwordHasher' | 'personalData' | 'kycProvider' | 'wallet' | 'keys' | 'config' | 'clock'
    > {
  /** The event store, encrypting personal data on the way in. */
  store: EventStore;
  cache: StreamStateCache;
  reservations: Reservations;
  /** A user's state as its stream (or the cache) holds it. */
  loadUser(userId: string): Promise<UserState>;
  /** One secret the gateway sealed into the command (`{password}` or `{code}`), if it opens and is a string. */
  openSecret(sealed: string, name: 'password' | 'code'): string | undefined;
  /** Why a new password is refused; checked before any hashing or lookup, on sign-up and on every change. */
  newPasswordViolation(password: string): ErrorName | undefined;
  /** The metadata of the events a command records. */
  metadataOf(command: IdentityCommand): EventMetadata;
}

export function createCommandContext(deps: IdentityDependencies): CommandContext {
  const { keys, config, clock, breachedPasswords } = deps;
  const store = withPersonalDataProtection(deps.eventStore, deps.personalData);
  const cache = createStreamStateCache(config.cachedStreams);
  const decoyPhones = createDecoyPhoneNumbers(keys.hashingKey, config.decoyPhoneCountries);
  // Every real user's number counts towards the shapes decoys take: a user stream replays
  // UserRegistered once when it is first loaded (or written), so each user counts once per load.
  const evolveUserCountingPhones = (state: UserState, event: IdentityEvent): UserState => {
    if (event.type === 'UserRegistered') decoyPhones.observe(event.data.phoneNumber);
    return evolveUser(state, event);
  };
  const loadUser = async (userId: string) =>
    (await loadStream(store, streams.user(userId), evolveUserCountingPhones, initialUserState, cache)).state;
  const reservations = reservationsOf(store, cache, deps, loadUser);
  const metadataOf = (command: IdentityCommand): EventMetadata => ({
    correlationId: command.metadata.correlationId,
    clientId: command.metadata.clientId,
    occurredAt: clock().toISOString(),
  });
  const secretsChannel = createReceivingChannel(keys.commandKeyPair);

  return {
    ...createUserStreams({
      store,
      cache,
      evolve: evolveUserCountingPhones,
      reservations,
      phantoms: createPhantomUsers(config.unknownEmailsRemembered, evolveUser),
      decoyPhones,
      hashingKey: keys.hashingKey,
      metadataOf,
    }),
    passwordHasher: deps.passwordHasher,
    personalData: deps.personalData,
    kycProvider: deps.kycProvider,
    wallet: deps.wallet,
    keys,
    config,
    clock,
    store,
    cache,
    reservations,
    loadUser,
    metadataOf,
    openSecret(sealed, name) {
      const secret = secretsChannel.open<Record<string, unknown>>(sealed)?.value?.[name];
      return typeof secret === 'string' ? secret : undefined;
    },
    newPasswordViolation: (password) => passwordPolicyViolation(password, (folded) => breachedPasswords.has(folded)),
  };
}

/**
 * Reservations of emails and phone numbers. A claim whose user stream never
 * appeared (a crash mid sign-up) lapses once it is old enough.
 */
function reservationsOf(
  store: EventStore,
  cache: StreamStateCache,
  { keys, config, clock }: IdentityDependencies,
  loadUser: (userId: string) => Promise<UserState>,
): Reservations {
  return createReservations({
    store,
    hashingKey: keys.hashingKey,
    cache,
    clientOf: async (userId) => (await loadUser(userId)).clientId,
    abandoned: async (holderUserId, claimedAt) => {
      const old = clock().getTime() - Date.parse(claimedAt ?? '') > config.reservationStaleAfterSeconds * 1000;
      return old && (await store.readStream(streams.user(holderUserId), { maxCount: 1 })).length === 0;
    },
  });
}
