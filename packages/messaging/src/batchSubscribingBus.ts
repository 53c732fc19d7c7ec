import type { Consumer, Message, MessageBus } from './messageBus.ts';

/** Handles several messages in one call: its share of one publish, in order. */
export type BatchHandler = (messages: Message[]) => Promise<void>;

/**
 * A capability some buses have besides the {@link MessageBus} port (the
 * in-process bus; not Kafka): a group may take each publish whole, in one
 * call, so a handler that commits in groups commits once for all of it. A
 * composition root that knows its bus has it hands it over as this type.
 * Its contract suite: `batchSubscribingBusContract`.
 */
export interface BatchSubscribingBus extends MessageBus {
  /**
   * Like `subscribe`, but each publish comes whole in one call (one per
   * consumer, when a group has several), in order. Publishes reach it one
   * after the other, as they reach a lane of `subscribe`. A handler that
   * throws gets the whole batch again (its work must be idempotent, as
   * at-least-once delivery needs anyway); after the last try the batch is
   * reported and skipped, as a single message would be. A group takes
   * messages either one at a time or in batches, never both.
   */
  subscribeInBatches(topic: string, group: string, handler: BatchHandler): Promise<Consumer>;
}
