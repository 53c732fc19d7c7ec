/**
 * A request's command to identity: it carries the request's correlation id
 * and the client the request acts for, and a refusal becomes the catalogued
 * error it names, which the error handler answers in the envelope.
 */
import { ApiError, type CommandReplies, type IdentityCommand } from '@tessera/contracts';
import type { FastifyRequest } from 'fastify';
import type { IdentityClient } from '../identityClient.ts';

type PayloadOf<K extends IdentityCommand['type']> = Extract<IdentityCommand, { type: K }>['payload'];

/** Sends one command; resolves with identity's answer, and the position of the last event it wrote, if any. */
export type SendCommand = <K extends IdentityCommand['type']>(
  request: FastifyRequest,
  type: K,
  payload: PayloadOf<K>,
) => Promise<{ data: CommandReplies[K]; position?: number }>;

/** The client a request acts for: the client token's own, or the one a user token was issued through. */
export function callingClientOf(request: FastifyRequest): string {
  return request.client?.sub ?? request.userClaims?.client_id ?? '';
}

export function commandSender(identity: IdentityClient): SendCommand {
  return async (request, type, payload) => {
    const result = await identity.send({
      type,
      metadata: { correlationId: request.id, clientId: callingClientOf(request) },
      payload,
    } as IdentityCommand);
    if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
    return {
      data: result.data as CommandReplies[typeof type],
      ...(result.position === undefined ? {} : { position: result.position }),
    };
  };
}
