/**
 * The message bus port: keyed topics consumed by groups, and request/reply on
 * top of them. Kafka in production, in-process in the embedded default.
 */

export interface Message {
  /** Partitioning key: messages with one key are delivered in publish order. */
  key: string;
  /** JSON-serialisable payload. */
  value: unknown;
  headers: Record<string, string>;
}

export type MessageHandler = (message: Message) => Promise<void>;
export type RequestHandler = (request: Message) => Promise<unknown>;

export interface SubscribeOptions {
  /**
   * Where a group with no committed position starts: at the end (default:
   * only what is published from now on) or at the oldest retained message (a
   * new projector reading the topic's history). A bus without retention
   * (in-process) has only the end.
   */
  from?: 'end' | 'beginning';
}

export interface Consumer {
  /** Stops consuming; resolves after in-flight messages are handled. */
  stop(): Promise<void>;
}

export interface MessageBus {
  /**
   * Publishes messages; resolves once they are durably accepted (in-process:
   * once every subscribed group has handled them).
   */
  publish(topic: string, messages: Message[]): Promise<void>;
  /**
   * Every group receives every message published after it subscribed; within a
   * group each message is handled by one consumer. A handler that throws gets
   * the message again (at-least-once), so handlers must be idempotent.
   */
  subscribe(topic: string, group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Consumer>;
  /** Answers requests sent to `topic`; the handler's result is the reply. */
  serve(topic: string, group: string, handler: RequestHandler): Promise<Consumer>;
  /**
   * Sends a request and awaits its reply.
   * @throws RequestTimeoutError when no reply arrives in time.
   */
  request(topic: string, message: Message, options: { timeoutMs: number }): Promise<unknown>;
  /**
   * Whether `group` has a live consumer of `topic` right now: one subscribed
   * or serving, not stopped. On Kafka it is what the group coordinator knows,
   * so a member that died without leaving counts until its session times out.
   * For readiness checks, e.g. whether anybody serves the requests of a topic.
   */
  hasLiveConsumers(topic: string, group: string): Promise<boolean>;
  /** Resolves when the broker answers; rejects otherwise (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class RequestTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${topic} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}
