/**
 * Access tokens: client tokens (client credentials grant) and user tokens
 * (after the SMS code), both EdDSA JWTs with a `kid`. `requireClient` and
 * `requireUser` guard routes; each refuses the other kind of token.
 */
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import { ApiError } from '@tessera/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { SigningKey } from './signingKeys.ts';

export interface ClientClaims {
  token_use: 'client';
  sub: string;
  client_id: string;
  scope: string;
  /** Expiry (seconds since the epoch), set when signing. */
  exp?: number;
}

export interface UserClaims {
  token_use: 'user';
  sub: string;
  client_id: string;
  sid: string;
  fam: string;
  roles: string[];
  /** Expiry (seconds since the epoch), set when signing. */
  exp?: number;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: ClientClaims | UserClaims;
    user: ClientClaims | UserClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    requireClient(scope: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireUser(): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    client?: ClientClaims;
    userClaims?: UserClaims;
  }
}

export interface AuthOptions {
  signingKeys: SigningKey[];
  issuer: string;
  /** Whether a login was revoked (logout, password change, token reuse): its access tokens are refused at once. */
  isSessionRevoked?: (familyId: string) => Promise<boolean>;
}

async function verified(request: FastifyRequest): Promise<ClientClaims | UserClaims> {
  try {
    return await request.jwtVerify<ClientClaims | UserClaims>();
  } catch {
    throw new ApiError('UNAUTHENTICATED');
  }
}

export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    const [current] = options.signingKeys;
    if (!current) throw new Error('at least one signing key is required');
    const publicKeys = new Map(options.signingKeys.map((key) => [key.kid, key.publicKeyPem]));
    await app.register(fastifyJwt, {
      secret: {
        private: current.privateKeyPem,
        // Verify with the key the token names, so a retiring key's tokens still verify.
        public: async (_request: FastifyRequest, token: TokenOrHeader) => {
          const header = 'header' in token ? token.header : token;
          return publicKeys.get(header.kid ?? '') ?? current.publicKeyPem;
        },
      },
      sign: { algorithm: 'EdDSA', kid: current.kid, iss: options.issuer },
      // Verified tokens are remembered until they expire: a client token is presented on every call, and an
      // Ed25519 check per request was the gateway's largest cost. Revocation is checked on every request regardless.
      verify: { algorithms: ['EdDSA'], allowedIss: options.issuer, cache: 10_000 },
      decode: { complete: true },
    });

    app.decorate('requireClient', (scope: string) => async (request: FastifyRequest) => {
      const claims = await verified(request);
      if (claims.token_use !== 'client') throw new ApiError('WRONG_TOKEN_TYPE');
      if (!claims.scope.split(' ').includes(scope)) throw new ApiError('INSUFFICIENT_SCOPE');
      request.client = claims;
    });

    app.decorate('requireUser', () => async (request: FastifyRequest) => {
      const claims = await verified(request);
      if (claims.token_use !== 'user') throw new ApiError('WRONG_TOKEN_TYPE');
      if (await options.isSessionRevoked?.(claims.fam)) throw new ApiError('UNAUTHENTICATED');
      request.userClaims = claims;
    });
  },
  { name: 'tessera-auth' },
);
