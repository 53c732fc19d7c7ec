/**
 * Finds the user an auditor names: a user id as it is, or an email resolved the
 * way identity resolves it (services/identity/src/application/reservations.ts):
 * the email reservation stream of each API client, named by the keyring's
 * hashing key, and the older reservation named by the email alone.
 */
import { normaliseEmail, streams } from '@tessera/contracts';
import { keyedHash } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import { UsageError } from '../subcommand.ts';

/** The user an email reservation stream names, if it is held (its latest claim not released). */
async function holderOf(store: EventStore, streamId: string): Promise<string | undefined> {
  let holder: string | undefined;
  for (const event of await store.readStream(streamId)) {
    if (event.type === 'EmailReserved') holder = String(event.data.userId);
    if (event.type === 'EmailReservationReleased') holder = undefined;
  }
  return holder;
}

/** The API client that signed the user up, as their first event says. */
async function clientOf(store: EventStore, userId: string): Promise<string | undefined> {
  const [registered] = await store.readStream(streams.user(userId), { maxCount: 1 });
  return registered?.type === 'UserRegistered' ? String(registered.data.clientId) : undefined;
}

/** Every API client the log registered: an email is unique per client (ADR 18), so each is asked in turn. */
async function registeredClients(store: EventStore): Promise<string[]> {
  const clients: string[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return clients;
    for (const event of page)
      if (event.type === 'ApiClientRegistered' && !clients.includes(String(event.data.clientId)))
        clients.push(String(event.data.clientId));
    after = page[page.length - 1]!.position;
  }
}

/** The users holding the email, one per API client at most (a `clientId` narrows the search to its own users). */
async function holdersOfEmail(store: EventStore, hashingKey: Buffer, email: string, clientId?: string) {
  const value = normaliseEmail(email);
  const holders = new Set<string>();
  // A reservation from before users were bound to their client counts for its holder's client only.
  const unscoped = await holderOf(store, streams.email(keyedHash(hashingKey, 'email', value)));
  if (unscoped !== undefined && (clientId === undefined || (await clientOf(store, unscoped)) === clientId))
    holders.add(unscoped);
  for (const client of clientId !== undefined ? [clientId] : await registeredClients(store)) {
    const holder = await holderOf(store, streams.email(keyedHash(hashingKey, 'client-email', client, value)));
    if (holder !== undefined) holders.add(holder);
  }
  return [...holders];
}

/**
 * The user id the auditor means, or undefined when nobody holds that email. An email held by users of several API
 * clients is ambiguous: the auditor names the client (or the user id).
 */
export async function resolveUserId(
  store: EventStore,
  options: { user: string; clientId?: string; hashingKey: () => Buffer },
): Promise<string | undefined> {
  if (!options.user.includes('@')) return options.user;
  const holders = await holdersOfEmail(store, options.hashingKey(), options.user, options.clientId);
  if (holders.length > 1)
    throw new UsageError(
      `that email belongs to ${holders.length} users, one per API client (${holders.join(', ')}): ` +
        'name the user by id, or the client with --client',
    );
  return holders[0];
}
