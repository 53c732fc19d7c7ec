import { randomUUID } from 'node:crypto';
import { fromJson, toJson } from './envelope.ts';
import { RequestTimeoutError } from './messageBus.ts';
import type { Consumer, Message, MessageHandler, RequestHandler } from './messageBus.ts';
import { createReplies } from './replies.ts';
import type { Replies } from './replies.ts';

/** Header carrying the id that pairs a request with its reply. */
export const REQUEST_ID_HEADER = 'request-id';
/** Header naming the topic the requester reads its replies from. */
export const REPLY_TO_HEADER = 'reply-to';
/** Header with the time (epoch ms) after which the requester no longer waits. */
export const DEADLINE_HEADER = 'request-deadline';

/** What request/reply needs from the Kafka bus. */
export interface KafkaRequestsOptions {
  /** Names this bus's reply topic, which is also its reply consumer's group. */
  replyTopic: string;
  /** Publishes, creating the topic first if need be. */
  publish: (topic: string, messages: Message[]) => Promise<void>;
  /** Publishes to a topic that must exist already: a reply topic vanishes with its requester. */
  reply: (topic: string, messages: Message[]) => Promise<void>;
  subscribe: (
    topic: string,
    group: string,
    handler: MessageHandler,
    startAtLogEnd: boolean,
    commitEachMessage?: boolean,
  ) => Promise<Consumer>;
  report: (error: unknown, topic: string, group: string) => void;
  /** Told of each request dropped because its requester stopped waiting. */
  expired?: (topic: string, group: string) => void;
}

/** Request/reply over topics: requests carry a reply topic and an id, replies come back keyed by that id. */
export interface KafkaRequests {
  request(topic: string, message: Message, options: { timeoutMs: number }): Promise<unknown>;
  serve(topic: string, group: string, handler: RequestHandler): Promise<Consumer>;
  /** Fails every request still waiting; the bus stops the reply consumer. */
  rejectAll(error: Error): void;
  /** Whether a reply consumer was started, i.e. the reply topic exists. */
  readonly listening: boolean;
}

/** The body of a reply: the handler's result, or only that it failed. */
type ReplyBody = { ok: true; value?: unknown } | { ok: false };

/** Request/reply for {@link createKafkaBus}, one reply topic per bus. */
export function createKafkaRequests(options: KafkaRequestsOptions): KafkaRequests {
  const replies = createReplies();
  let listening: Promise<unknown> | undefined;

  const onReply = async (message: Message): Promise<void> => settle(replies, message);

  // Replies are only read by a consumer that has joined; the topic is new and
  // read from its start, so a reply cannot slip past it even while it joins.
  const listen = (): Promise<unknown> => {
    listening ??= options
      .subscribe(options.replyTopic, options.replyTopic, onReply, false, false)
      .catch((error: unknown) => {
        listening = undefined;
        throw error;
      });
    return listening;
  };

  const request = async (topic: string, message: Message, { timeoutMs }: { timeoutMs: number }): Promise<unknown> => {
    const id = randomUUID();
    // The timeout counts from the call: starting the reply consumer is part of the wait.
    const reply = replies.await(id, timeoutMs, () => new RequestTimeoutError(topic, timeoutMs));
    const headers = {
      ...message.headers,
      [REQUEST_ID_HEADER]: id,
      [REPLY_TO_HEADER]: options.replyTopic,
      [DEADLINE_HEADER]: String(Date.now() + timeoutMs),
    };
    listen()
      .then(() => options.publish(topic, [{ ...message, headers }]))
      .catch((error: unknown) => replies.reject(id, error));
    return fromJson(await reply);
  };

  const serve = (topic: string, group: string, handler: RequestHandler): Promise<Consumer> =>
    options.subscribe(topic, group, (request) => answer(options, topic, group, handler, request), true, false);

  return {
    request,
    serve,
    rejectAll: (error) => replies.rejectAll(error),
    get listening() {
      return listening !== undefined;
    },
  };
}

/** Settles the waiting request a reply names; a reply without an id is no answer to anything. */
function settle(replies: Replies, message: Message): void {
  const id = message.headers[REQUEST_ID_HEADER];
  if (id === undefined) return;
  const body = message.value as ReplyBody | null;
  if (body?.ok === true) replies.resolve(id, toJson(body.value));
  else replies.reject(id, new Error('request handler failed'));
}

/** Runs `handler` for a request served on `topic` by `group`, and sends its reply to the requester's reply topic. */
async function answer(
  options: KafkaRequestsOptions,
  topic: string,
  group: string,
  handler: RequestHandler,
  request: Message,
): Promise<void> {
  const id = request.headers[REQUEST_ID_HEADER];
  const replyTo = request.headers[REPLY_TO_HEADER];
  // A plain publish on a request topic has nobody waiting for an answer.
  if (id === undefined || replyTo === undefined) return;
  // Nobody waits past the deadline: the caller was told the request failed, so it must not happen now
  // (after a broker outage, a backlog of such requests would otherwise run, and block the live ones).
  const deadline = Number(request.headers[DEADLINE_HEADER]);
  if (Number.isFinite(deadline) && Date.now() > deadline) {
    options.expired?.(topic, group);
    return;
  }
  let body: ReplyBody;
  try {
    const value = await handler(request);
    toJson(value); // a result that is not JSON fails here, as a handler failure
    body = { ok: true, value };
  } catch (error) {
    // Not retried, as the requester is waiting; it learns that the request failed, never why.
    options.report(error, topic, group);
    body = { ok: false };
  }
  try {
    await options.reply(replyTo, [{ key: id, value: body, headers: { [REQUEST_ID_HEADER]: id } }]);
  } catch (error) {
    // Mostly a requester gone with its reply topic: running the handler again would not bring it back.
    options.report(error, topic, group);
  }
}
