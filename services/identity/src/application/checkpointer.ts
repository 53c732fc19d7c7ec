/**
 * The checkpointer (ADR 32): follows the chain of the event log in its global order (polling the hashes a few times a
 * second, never reading every event whole), computes the running log hash, and appends a checkpoint signed with the
 * audit key to stream `audit-log` every `everyEvents` events, every `everySeconds` when anything new arrived, and on a
 * clean stop. One runs per log, beside the relay; a checkpoint is appended with the stream's expected revision, so a
 * second checkpointer on the same log cannot write over it. It resumes from the last checkpoint in the stream (its position, count and log hash) unless that checkpoint claims
 * this key and does not verify with it. Checkpoints do not count towards the next one: a quiet log is not
 * checkpointed forever. After an upgrade chained a log stored before the chain, the first checkpoint is marked
 * `genesis` and is signed as soon as the log is read.
 */
import { randomUUID } from 'node:crypto';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  checkpointSignatureValid,
  GENESIS_HASH,
  nextLogHash,
  publicPartOf,
  signCheckpoint,
  WrongExpectedRevisionError,
  type AuditKey,
  type ChainLink,
  type EventStore,
  type RecordedEvent,
  type SignedCheckpoint,
} from '@tessera/event-store';
import type { Logger } from '@tessera/logging';

export interface CheckpointerOptions {
  /** The store itself, not a view that decrypts: the hashes cover what is stored. */
  eventStore: EventStore;
  key: AuditKey;
  logger: Logger;
  /** Events (checkpoints aside) between two checkpoints. */
  everyEvents: number;
  /** Longest wait for a checkpoint once a new event arrived. */
  everySeconds: number;
  clock?: () => Date;
}

export interface Checkpointer {
  /** Resolves once every event stored at start has been followed (and a due genesis checkpoint signed). */
  readonly caughtUp: Promise<void>;
  /** Signs and appends a checkpoint now if events arrived since the last one; resolves with it, if any. */
  checkpoint(): Promise<SignedCheckpoint | undefined>;
  /** Stops following the log, after a last checkpoint over what arrived since the one before. */
  stop(): Promise<void>;
}

/** What the checkpointer knows of the log: where it is, and the stream its checkpoints go to. */
interface LogState {
  position: number;
  events: number;
  logHash: string;
  /** Events followed since the last checkpoint, checkpoints excluded. */
  sinceLast: number;
  /** Events followed since the start, checkpoints excluded. */
  counted: number;
  /** `counted` at each position followed since the last checkpoint seen: what a checkpoint seen next covers. */
  countedAt: Map<number, number>;
  /** Revision of the last event of `audit-log`, or 'no-stream'. */
  auditRevision: number | 'no-stream';
  genesisDue: boolean;
}

/** Checkpoints read per page while looking for the last one. */
const checkpointPage = 1000;

export async function startCheckpointer(options: CheckpointerOptions): Promise<Checkpointer> {
  const { logger } = options;
  const state = await resumeState(options);
  const signer = createSigner(options, state);
  const reader = createLogReader(options, state, signer);
  // Polled: a subscription woke on every append and read every event whole; the log hash needs only the hashes.
  const poll = setInterval(() => void reader.toHead().catch(() => undefined), POLL_MS);
  const timer = setInterval(() => {
    reader
      .toHead()
      .then(() => signer.checkpoint())
      .catch((error: unknown) => logger.error({ err: error }, 'checkpoint failed'));
  }, options.everySeconds * 1000);
  poll.unref();
  timer.unref();
  logger.info({ after: state.position, events: state.events, genesisDue: state.genesisDue }, 'checkpointer started');
  const caughtUp = reader.toHead().then(async () => {
    if (state.genesisDue) await signer.checkpoint();
  });
  caughtUp.catch(() => undefined);
  return {
    caughtUp,
    checkpoint: async () => {
      await reader.toHead();
      return signer.checkpoint();
    },
    async stop() {
      clearInterval(poll);
      clearInterval(timer);
      // What was stored before the stop is signed: the log is followed to its head first.
      await reader.toHead().catch(() => undefined);
      await signer.checkpoint();
    },
  };
}

/** How often the checkpointer looks for new events, and how many links it reads per query. */
const POLL_MS = 200;
const CHAIN_PAGE = 5000;

/** Reads the chain from where the state is to the log's head, one reading at a time; stops for good on a broken log. */
function createLogReader(
  { eventStore, logger, everyEvents }: CheckpointerOptions,
  state: LogState,
  signer: ReturnType<typeof createSigner>,
) {
  let queue: Promise<void> = Promise.resolve();
  let broken: Error | undefined;
  const read = (after: number) =>
    eventStore.readChain
      ? eventStore.readChain({ after, maxCount: CHAIN_PAGE, dataOf: CHECKPOINT_STREAM })
      : eventStore.readAll({ after, maxCount: CHAIN_PAGE });

  async function readToHead(): Promise<void> {
    if (broken) throw broken;
    for (;;) {
      const page = await read(state.position);
      let signed = false;
      for (const link of page) {
        try {
          follow(state, link);
        } catch (error) {
          broken = error as Error;
          logger.error({ err: error }, 'checkpointer stopped');
          throw error;
        }
        // A checkpoint appended meanwhile is read too (below): the head is its own.
        if (state.sinceLast >= everyEvents) signed = (await signer.checkpoint()) !== undefined || signed;
      }
      if (page.length < CHAIN_PAGE && !signed) return;
    }
  }

  return {
    toHead(): Promise<void> {
      queue = queue.catch(() => undefined).then(readToHead);
      return queue;
    },
  };
}

/** Takes one more event into the log hash. */
function follow(state: LogState, event: ChainLink | RecordedEvent): void {
  if (!event.hash) {
    throw new Error(
      `event at position ${event.position} (stream ${event.streamId}) carries no hash: the log hash cannot go on`,
    );
  }
  state.logHash = nextLogHash(state.logHash, event.hash);
  state.events += 1;
  state.position = event.position;
  if (event.streamId === CHECKPOINT_STREAM) {
    if (state.auditRevision === 'no-stream' || event.revision > state.auditRevision)
      state.auditRevision = event.revision;
    if (event.type === CHECKPOINT_EVENT_TYPE) return seenCheckpoint(state, event.data as unknown as SignedCheckpoint);
  }
  state.counted += 1;
  state.sinceLast += 1;
  state.countedAt.set(event.position, state.counted);
}

/** A checkpoint, this one's or another's: what it covers needs no other. */
function seenCheckpoint(state: LogState, checkpoint: SignedCheckpoint): void {
  const countedThere = state.countedAt.get(checkpoint.position);
  if (countedThere === undefined) return;
  state.sinceLast = Math.min(state.sinceLast, state.counted - countedThere);
  for (const position of state.countedAt.keys()) if (position <= checkpoint.position) state.countedAt.delete(position);
  state.genesisDue = false;
}

/** Signs and appends checkpoints one at a time. */
function createSigner(options: CheckpointerOptions, state: LogState) {
  const { eventStore, key, logger } = options;
  const clock = options.clock ?? (() => new Date());
  let inFlight: Promise<SignedCheckpoint | undefined> = Promise.resolve(undefined);

  async function signNow(): Promise<SignedCheckpoint | undefined> {
    if (state.sinceLast <= 0 && !(state.genesisDue && state.events > 0)) return undefined;
    const countedThen = state.counted;
    const signedAt = clock().toISOString();
    const { position, events, logHash } = state;
    const checkpoint = signCheckpoint(key, {
      position,
      events,
      logHash,
      signedAt,
      ...(state.genesisDue ? { genesis: true as const } : {}),
    });
    const event = {
      eventId: randomUUID(),
      type: CHECKPOINT_EVENT_TYPE,
      schemaVersion: 1,
      data: checkpoint as unknown as Record<string, unknown>,
      metadata: { correlationId: randomUUID(), occurredAt: signedAt },
    };
    try {
      const result = await eventStore.append(CHECKPOINT_STREAM, [event], { expectedRevision: state.auditRevision });
      state.auditRevision = Math.max(
        result.nextExpectedRevision,
        state.auditRevision === 'no-stream' ? -1 : state.auditRevision,
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      logger.warn({ position }, 'another checkpoint was appended meanwhile: is a second checkpointer running?');
      return undefined;
    }
    // The checkpoint event itself may have been followed meanwhile: both say the same.
    state.sinceLast = Math.min(state.sinceLast, state.counted - countedThen);
    state.genesisDue = false;
    logger.info({ position, events, genesis: checkpoint.genesis === true }, 'log checkpoint signed');
    return checkpoint;
  }

  return {
    checkpoint(): Promise<SignedCheckpoint | undefined> {
      inFlight = inFlight.catch(() => undefined).then(signNow);
      return inFlight;
    },
  };
}

/** Where the last checkpoint left the log, or its start; and whether a genesis checkpoint is due. */
async function resumeState({ eventStore, key, logger }: CheckpointerOptions): Promise<LogState> {
  let last: RecordedEvent | undefined;
  for (let from = 0; ; from += checkpointPage) {
    const page = await eventStore.readStream(CHECKPOINT_STREAM, { fromRevision: from, maxCount: checkpointPage });
    last = page.at(-1) ?? last;
    if (page.length < checkpointPage) break;
  }
  let checkpoint = last?.type === CHECKPOINT_EVENT_TYPE ? (last.data as unknown as SignedCheckpoint) : undefined;
  const upgraded = checkpoint === undefined && (await eventStore.chainUpgrade?.()) !== undefined;
  // A checkpoint of this key that does not verify was not signed here: the log hash is recomputed from the start.
  // (One of an earlier key is taken as it is; the verifier checks it against the keys an auditor trusts.)
  if (checkpoint?.keyId === key.keyId && !checkpointSignatureValid(checkpoint, publicPartOf(key))) {
    logger.error(
      { position: last?.position },
      'the last checkpoint does not verify with the audit key: following the log from its start',
    );
    checkpoint = undefined;
  }
  return {
    position: checkpoint?.position ?? 0,
    events: checkpoint?.events ?? 0,
    logHash: checkpoint?.logHash ?? GENESIS_HASH,
    sinceLast: 0,
    counted: 0,
    countedAt: new Map(),
    auditRevision: last?.revision ?? 'no-stream',
    genesisDue: upgraded,
  };
}
