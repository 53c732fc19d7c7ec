/**
 * How a handler decides a user command: on the user named by id, or on the
 * calling client's user holding an email. An email with no user of this
 * client (unknown, or another client's user) meets its phantom instead: the
 * same rules, the same answers, nothing written. Both answer the same shape,
 * the decision and the state it made.
 */
import {
  streams,
  normaliseEmail,
  type EventMetadata,
  type IdentityCommand,
  type IdentityEvent,
} from '@tessera/contracts';
import { keyedHash } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import type { Decision } from '../domain/decision.ts';
import { decideUser, type UserCommand } from '../domain/userDecider.ts';
import { initialUserState, type UserState } from '../domain/userState.ts';
import { decideAndAppend, type CommandOutcome } from './decideAndAppend.ts';
import type { PhantomUsers } from './phantomUsers.ts';
import type { Reservations } from './reservations.ts';
import type { StreamStateCache } from './streamStateCache.ts';
import { decoyUserId, type DecoyPhoneNumbers } from './unknownEmailDecoys.ts';

/** The user command to decide, made from the state it is decided on when it needs it (a phone number, a hash to check). */
export type UserCommandFor = (state: UserState, isRealUser: boolean) => UserCommand | Promise<UserCommand>;

export interface UserStreams {
  /**
   * Decides on the user named by id (the gateway checked the caller may act on them), or on a new user's stream;
   * `isRealUser` is whether the stream holds a user.
   */
  decideOnUser(
    command: IdentityCommand,
    userId: string,
    userCommand: UserCommand | UserCommandFor,
  ): Promise<CommandOutcome<UserState>>;
  /**
   * Decides on the calling client's user holding `email`, or on its phantom.
   * The lookup reads two reservation streams for a phantom (the client's, then
   * the one from before users were bound to clients) where a real user's reads
   * one and the user's stream: the event store sees the same reads.
   * `isRealUser` tells the command maker the one thing a phantom lacks: a
   * password hash to check.
   */
  decideOnEmail(
    command: IdentityCommand,
    email: string,
    userCommand: UserCommand | UserCommandFor,
  ): Promise<CommandOutcome<UserState>>;
}

export interface UserStreamOptions {
  store: EventStore;
  cache: StreamStateCache;
  /** The user's evolve, as the service runs it (it also teaches decoys the shapes of real numbers). */
  evolve: (state: UserState, event: IdentityEvent) => UserState;
  reservations: Reservations;
  phantoms: PhantomUsers;
  decoyPhones: DecoyPhoneNumbers;
  hashingKey: Buffer;
  metadataOf: (command: IdentityCommand) => EventMetadata;
}

export function createUserStreams(options: UserStreamOptions): UserStreams {
  const { store, cache, evolve, reservations, phantoms, decoyPhones, hashingKey, metadataOf } = options;

  const decideOnStream = (
    command: IdentityCommand,
    userId: string,
    decide: (state: UserState) => Decision | Promise<Decision>,
  ) => decideAndAppend(store, streams.user(userId), evolve, initialUserState, decide, metadataOf(command), cache);

  function decideOnPhantom(clientId: string, email: string, userCommand: UserCommand | UserCommandFor) {
    const phantomKey = keyedHash(hashingKey, 'phantom', clientId, email);
    const phantom = (): UserState => ({
      ...initialUserState(),
      registered: true,
      userId: decoyUserId(hashingKey, phantomKey),
      clientId,
      email,
      roles: ['USER'],
      phoneNumber: decoyPhones.numberFor(phantomKey),
    });
    return phantoms.decide(phantomKey, phantom, async (state) =>
      decideUser(typeof userCommand === 'function' ? await userCommand(state, false) : userCommand, state),
    );
  }

  return {
    decideOnUser(command, userId, userCommand) {
      if (typeof userCommand !== 'function')
        return decideOnStream(command, userId, (state) => decideUser(userCommand, state));
      return decideOnStream(command, userId, async (state) =>
        decideUser(await userCommand(state, state.registered), state),
      );
    },
    async decideOnEmail(command, email, userCommand) {
      const { clientId } = command.metadata;
      const normalised = normaliseEmail(email);
      const userId = await reservations.holder('email', clientId, normalised);
      if (userId === undefined) return decideOnPhantom(clientId, normalised, userCommand);
      if (typeof userCommand !== 'function')
        return decideOnStream(command, userId, (state) => decideUser(userCommand, state));
      return decideOnStream(command, userId, async (state) => decideUser(await userCommand(state, true), state));
    },
  };
}
