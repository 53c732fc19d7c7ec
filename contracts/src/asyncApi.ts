/**
 * The AsyncAPI 3.0 document of `identity.events.v1`, generated from the same
 * event schemas identity writes with, for downstream teams.
 */
import { eventHeaders } from './eventMessage.ts';
import { identityEvents } from './events.ts';

export function identityEventsAsyncApi(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const { type, schemaVersion, data } of Object.values(identityEvents)) {
    messages[type] = {
      name: type,
      title: type,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/EventHeaders' },
      payload: {
        type: 'object',
        required: ['eventId', 'streamId', 'revision', 'position', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt'],
        properties: {
          eventId: { type: 'string', format: 'uuid', description: 'Unique per event: dedupe on it.' },
          streamId: { type: 'string' },
          revision: { type: 'integer', description: 'Index of the event in its stream.' },
          position: { type: 'integer', description: 'Global position in the event log.' },
          type: { const: type },
          schemaVersion: { const: schemaVersion },
          data,
          metadata: { $ref: '#/components/schemas/EventMetadata' },
          recordedAt: { type: 'string', format: 'date-time' },
        },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tessera identity events',
      version: '1.0.0',
      description: 'Every fact identity records, published at least once, keyed by user id so one user’s events arrive in order. Consumers dedupe by event id and skip types or schema versions they do not know.',
    },
    channels: {
      identityEvents: {
        address: 'identity.events.v1',
        messages: Object.fromEntries(Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }])),
        bindings: { kafka: { partitions: 3, bindingVersion: '0.5.0' } },
      },
    },
    operations: {
      consumeIdentityEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/identityEvents' },
        bindings: { kafka: { groupId: { type: 'string', description: 'One group per downstream service.' }, bindingVersion: '0.5.0' } },
      },
    },
    components: {
      messages,
      schemas: {
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
      },
    },
  };
}
