import type { Message } from './messageBus.ts';

/**
 * A message kept as JSON text, as a broker would hold it: each delivery parses
 * its own copy, so no consumer shares objects with the producer, another group
 * or an earlier failed attempt.
 */
export interface Envelope {
  key: string;
  value: string | undefined;
  headers: string;
}

/** Serialises `message`; throws when its value is not JSON (a BigInt, a cycle). */
export function freeze(message: Message): Envelope {
  return { key: message.key, value: toJson(message.value), headers: JSON.stringify(message.headers) };
}

/** A fresh message parsed from `envelope`. */
export function thaw(envelope: Envelope): Message {
  return {
    key: envelope.key,
    value: fromJson(envelope.value),
    headers: JSON.parse(envelope.headers) as Record<string, string>,
  };
}

/** JSON text of `value`; `undefined` stays undefined, as JSON has no such value. */
export function toJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** Inverse of {@link toJson}. */
export function fromJson(json: string | undefined): unknown {
  return json === undefined ? undefined : JSON.parse(json);
}
