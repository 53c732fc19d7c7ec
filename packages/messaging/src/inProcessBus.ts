import { randomUUID } from 'node:crypto';
import { RequestTimeoutError } from './messageBus.ts';
import type { Consumer, Message, MessageHandler, RequestHandler } from './messageBus.ts';
import { freeze, fromJson, toJson } from './envelope.ts';
import { InProcessGroups } from './inProcessGroups.ts';
import type { ConsumerState } from './inProcessGroups.ts';
import { createReplies } from './replies.ts';
import type { BatchHandler, BatchSubscribingBus } from './batchSubscribingBus.ts';

/** Options of {@link createInProcessBus}. */
export interface InProcessBusOptions {
  /** How often a throwing handler is tried for one message, and the pause between tries (default 3 tries, 20 ms apart). */
  retry?: { attempts: number; delayMs: number };
  /** Hears about a message given up on after its last try, and about failed request handlers (default: console.error). */
  onHandlerError?: (error: unknown, topic: string, group: string) => void;
}

/** Header carrying the id that pairs a request with its reply. */
const REQUEST_ID_HEADER = 'request-id';

/**
 * A message bus living in this process, for the embedded mode and tests; it
 * also delivers in batches ({@link BatchSubscribingBus}).
 * Publish resolves once every subscribed group has handled the messages, which
 * lets a relay checkpoint right after it. A publish issued from inside a
 * handler does not wait for the groups already busy up its call chain: they
 * cannot get to the new message before the current one ends.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): BatchSubscribingBus {
  const bus = new InProcessBus(options);
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    subscribe: (topic, group, handler) => bus.subscribe(topic, group, handler),
    subscribeInBatches: (topic, group, handler) => bus.subscribeInBatches(topic, group, handler),
    serve: (topic, group, handler) => bus.serve(topic, group, handler),
    request: (topic, message, requestOptions) => bus.request(topic, message, requestOptions),
    hasLiveConsumers: (topic, group) => bus.hasLiveConsumers(topic, group),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}

/** The bus behind {@link createInProcessBus}: open or closed, its groups, and the requests awaiting a reply. */
class InProcessBus {
  readonly #options: InProcessBusOptions;
  readonly #groups: InProcessGroups;
  readonly #replies = createReplies();
  #closed = false;

  constructor(options: InProcessBusOptions) {
    this.#options = options;
    this.#groups = new InProcessGroups({
      attempts: Math.max(1, options.retry?.attempts ?? 3),
      delayMs: options.retry?.delayMs ?? 20,
      report: (error, topic, group) => this.#report(error, topic, group),
    });
  }

  async publish(topic: string, messages: Message[]): Promise<void> {
    this.#assertOpen();
    await this.#groups.deliver(topic, messages.map(freeze));
  }

  async subscribe(topic: string, name: string, handler: MessageHandler): Promise<Consumer> {
    return this.#join(topic, name, { handler, inFlight: new Set() });
  }

  async subscribeInBatches(topic: string, name: string, batchHandler: BatchHandler): Promise<Consumer> {
    return this.#join(topic, name, { batchHandler, inFlight: new Set() });
  }

  serve(topic: string, group: string, handler: RequestHandler): Promise<Consumer> {
    return this.subscribe(topic, group, async (request) => {
      const id = request.headers[REQUEST_ID_HEADER];
      // A plain publish on a request topic has nobody waiting for an answer.
      if (id === undefined) return;
      try {
        this.#replies.resolve(id, toJson(await handler(request)));
      } catch (error) {
        // Not retried, as the requester is waiting; it learns that the request failed, never why.
        this.#report(error, topic, group);
        this.#replies.reject(id, new Error('request handler failed'));
      }
    });
  }

  async request(topic: string, message: Message, options: { timeoutMs: number }): Promise<unknown> {
    this.#assertOpen();
    const id = randomUUID();
    const reply = this.#replies.await(id, options.timeoutMs, () => new RequestTimeoutError(topic, options.timeoutMs));
    const headers = { ...message.headers, [REQUEST_ID_HEADER]: id };
    this.publish(topic, [{ ...message, headers }]).catch((error: unknown) => this.#replies.reject(id, error));
    return fromJson(await reply);
  }

  async hasLiveConsumers(topic: string, group: string): Promise<boolean> {
    this.#assertOpen();
    return this.#groups.hasConsumers(topic, group);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('message bus is closed');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#replies.rejectAll(new Error('message bus is closed'));
    await this.#groups.stopAll();
  }

  #join(topic: string, name: string, consumer: ConsumerState): Consumer {
    this.#assertOpen();
    return this.#groups.join(topic, name, consumer);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('message bus is closed');
  }

  #report(error: unknown, topic: string, group: string): void {
    try {
      (this.#options.onHandlerError ?? defaultReport)(error, topic, group);
    } catch {
      // A broken reporter must not stall the group's queue.
    }
  }
}

function defaultReport(error: unknown, topic: string, group: string): void {
  console.error(`message handler of group ${group} on ${topic} failed; message skipped`, error);
}
