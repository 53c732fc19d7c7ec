import type { IHeaders, KafkaMessage, Message as KafkaRecord } from 'kafkajs';
import { fromJson, toJson } from './envelope.ts';
import type { Message } from './messageBus.ts';

/** A bus message as a Kafka record: the key as is, the value as JSON text, headers as strings. */
export function encode(message: Message): KafkaRecord {
  // Serialising here makes a value that is not JSON (a BigInt, a cycle) fail the publish, as in-process.
  return { key: message.key, value: toJson(message.value) ?? null, headers: { ...message.headers } };
}

/** A fresh message parsed from a consumed record; throws when the value is not JSON. */
export function decode(record: KafkaMessage): Message {
  return {
    key: record.key?.toString('utf8') ?? '',
    value: fromJson(record.value?.toString('utf8')),
    headers: decodeHeaders(record.headers),
  };
}

/** Header values arrive as Buffers (or arrays of them when a name repeats: the last one wins). */
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) decoded[name] = value.toString('utf8');
  }
  return decoded;
}
