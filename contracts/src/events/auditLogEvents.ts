/**
 * The event log's own facts (ADR 32): identity's signed checkpoints, on stream
 * `audit-log`. A checkpoint names a point of the global order and the log hash
 * there, signed with identity's audit key; a consumer that follows the topic
 * recomputes the log hash and checks it. No personal data.
 */
import { Type } from '@sinclair/typebox';
import { event, Instant } from './eventSchema.ts';

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const auditLogEvents = {
  LogCheckpointSigned: event(
    'LogCheckpointSigned',
    1,
    Type.Object({
      /** The last global position the checkpoint covers. */
      position: Type.Integer({ minimum: 0 }),
      /** How many events the log holds up to and including `position` (positions may have gaps). */
      events: Type.Integer({ minimum: 0 }),
      /** The running log hash after the event at `position`: SHA-256 of the previous log hash and the event's hash. */
      logHash: Sha256Hex,
      signedAt: Instant,
      /** The audit key's id: the RFC 7638 thumbprint of its Ed25519 public key. */
      keyId: Type.String({ minLength: 1 }),
      /** The first checkpoint of a log chained on upgrade: it vouches for the log from its own time on. */
      genesis: Type.Optional(Type.Literal(true)),
      /** Ed25519 over the canonical JSON (RFC 8785) of the other fields with `"v":1`, base64url. */
      signature: Type.String({ minLength: 1 }),
    }),
  ),
} as const;
