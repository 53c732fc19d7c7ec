/**
 * The AsyncAPI 3 document of `identity.events.v1`, generated from the same
 * event schemas identity writes with, for downstream teams. The fields of
 * `personalDataFields` are marked `x-personal-data: true`: on the topic they
 * are ciphertext, in the format the description states.
 */
import type { TSchema } from '@sinclair/typebox';
import { eventHeaders } from './eventMessage.ts';
import { identityEvents, PERSONAL_DATA_PREFIX, personalDataFieldsOf } from './events/index.ts';

/** The marker on each encrypted field. */
export const PERSONAL_DATA_MARKER = 'x-personal-data';
/** What an encrypted field looks like on the topic. */
export const PERSONAL_DATA_PATTERN = `^${PERSONAL_DATA_PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]+$`;

/** What a `pd1.` field is, for people: packages/personal-data/src/protector.ts is the code. */
const personalDataFormat = `## Personal data

The fields marked \`${PERSONAL_DATA_MARKER}: true\` (email, phone number, password hashes, and the sealed SMS payloads with the masked number) never travel in clear: each is the string \`${PERSONAL_DATA_PREFIX}\` followed by the base64url (no padding) of *nonce ‖ ciphertext ‖ tag*:

- **Algorithm**: XChaCha20-Poly1305 (IETF; libsodium's \`crypto_aead_xchacha20poly1305_ietf\`), a random 24-byte nonce, a 16-byte tag.
- **Key**: the user's own random 256-bit key. It is never on the topic or in the event log: it lives in the personal-data key store, wrapped under a key derived from the deployment's keyring.
- **Associated data**: the UTF-8 bytes of \`<userId>|<field>\` (the event's \`data.userId\`, a vertical bar, the field's name), so a value copied to another user or field does not open.
- **Plaintext**: the UTF-8 bytes of the field's value.

When a user is erased (\`PersonalDataErased\`) the key is destroyed: from then on those fields open nowhere, while every other field, and the order of events, stay readable. A consumer that truly needs the values opens them with \`@tessera/personal-data\` and access to the key store; most should not.`;

/** The chain and the checkpoints, for a consumer that checks what it received (docs/adr/0032-tamper-evident-log.md). */
const chainFormat = `## The chain and signed checkpoints

Every event carries \`hash\` and \`previousHash\`: its stream's events form a hash chain. In the log's global order (\`position\`), the log hash runs as SHA-256(previous log hash ‖ event hash) over the raw 32-byte hashes, from 32 zero bytes. Identity appends \`LogCheckpointSigned\` to stream \`audit-log\` every so many events or seconds: the position, the count of events up to it and the log hash there, signed with its Ed25519 audit key (\`npm run audit -- public-key\`). Checkpoints travel on this topic like every event; a consumer that wants proof of what it received recomputes the log hash in position order and checks each checkpoint's signature and log hash.`;

/** An event's data schema with its personal-data fields marked and described as the ciphertext they are on the topic. */
function withPersonalData(type: string, data: TSchema): TSchema {
  const fields = personalDataFieldsOf(type);
  if (fields.length === 0) return data;
  const properties = { ...(data.properties as Record<string, TSchema>) };
  for (const field of fields) {
    properties[field] = {
      ...properties[field],
      type: 'string',
      pattern: PERSONAL_DATA_PATTERN,
      description: `Encrypted personal data: \`${PERSONAL_DATA_PREFIX}\` and the base64url of the XChaCha20-Poly1305 nonce, ciphertext and tag under the user's own key, associated data \`<userId>|${field}\` (see "Personal data" in the document description).`,
      [PERSONAL_DATA_MARKER]: true,
    } as TSchema;
  }
  return { ...data, properties } as TSchema;
}

/** One event type as a message: the envelope the relay publishes, with the type's own data. */
function eventMessage(type: string, schemaVersion: number, data: TSchema): Record<string, unknown> {
  return {
    name: type,
    title: type,
    contentType: 'application/json',
    headers: { $ref: '#/components/schemas/EventHeaders' },
    payload: {
      type: 'object',
      required: [
        'eventId',
        'streamId',
        'revision',
        'position',
        'type',
        'schemaVersion',
        'data',
        'metadata',
        'recordedAt',
        'hash',
        'previousHash',
      ],
      properties: {
        eventId: { type: 'string', format: 'uuid', description: 'Unique per event: dedupe on it.' },
        streamId: { type: 'string' },
        revision: { type: 'integer', description: 'Index of the event in its stream.' },
        position: { type: 'integer', description: 'Global position in the event log.' },
        type: { const: type },
        schemaVersion: { const: schemaVersion },
        data: withPersonalData(type, data),
        metadata: { $ref: '#/components/schemas/EventMetadata' },
        recordedAt: { type: 'string', format: 'date-time' },
        hash: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
          description:
            'The event\'s link in the log\'s chain (ADR 32): SHA-256 of the RFC 8785 canonical JSON of {"v":1, streamId, revision, eventId, type, schemaVersion, data, metadata, previousHash}, data and metadata as on this topic.',
        },
        previousHash: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
          description: "The hash of the event before it in its stream; 64 zeros for a stream's first event.",
        },
      },
    },
  };
}

const info = {
  title: 'Tessera identity events',
  version: '1.0.0',
  description: `Every fact identity records, published at least once, keyed by user id so one user’s events arrive in order. Consumers dedupe by event id and skip types or schema versions they do not know (docs/downstream-consumers.md).\n\n${personalDataFormat}\n\n${chainFormat}`,
  contact: { name: 'Tessera maintainers' },
  license: { name: 'UNLICENSED: private, all rights reserved' },
  tags: [{ name: 'identity', description: 'Identity, sessions, KYC and portfolios of the users of API clients.' }],
};

const servers = {
  kafka: {
    host: '{broker}',
    protocol: 'kafka',
    description: 'The Kafka cluster of the distributed mode (KAFKA_BROKERS).',
    variables: { broker: { default: 'kafka:9092', description: 'A bootstrap broker, as in docker-compose.yml.' } },
  },
};

const operations = {
  consumeIdentityEvents: {
    action: 'receive',
    summary: 'Follow every identity event',
    description: 'One consumer group per downstream service; commit after processing, dedupe by eventId.',
    channel: { $ref: '#/channels/identityEvents' },
    bindings: {
      kafka: {
        groupId: { type: 'string', description: 'One group per downstream service.' },
        bindingVersion: '0.5.0',
      },
    },
  },
};

const schemas = {
  EventHeaders: {
    type: 'object',
    properties: {
      [eventHeaders.eventId]: { type: 'string' },
      [eventHeaders.type]: { type: 'string' },
      [eventHeaders.schemaVersion]: { type: 'string' },
      [eventHeaders.correlationId]: { type: 'string' },
    },
  },
  EventMetadata: {
    type: 'object',
    properties: {
      correlationId: { type: 'string' },
      clientId: { type: 'string' },
      occurredAt: { type: 'string', format: 'date-time' },
    },
  },
};

export function identityEventsAsyncApi(): Record<string, unknown> {
  const messages = Object.fromEntries(
    Object.values(identityEvents).map(({ type, schemaVersion, data }) => [
      type,
      eventMessage(type, schemaVersion, data),
    ]),
  );
  const channels = {
    identityEvents: {
      address: 'identity.events.v1',
      messages: Object.fromEntries(
        Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }]),
      ),
      bindings: { kafka: { partitions: 3, bindingVersion: '0.5.0' } },
    },
  };
  return { asyncapi: '3.1.0', info, servers, channels, operations, components: { messages, schemas } };
}
