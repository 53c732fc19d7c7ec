/**
 * Access tokens: client tokens (client credentials grant) and user tokens
 * (after the SMS code), both EdDSA JWTs with a `kid`, shaped after RFC 9068
 * (`typ: at+jwt`, `iss`, `aud`, `jti`, `iat`, `exp`, `sub`, `client_id`,
 * `scope`) so that a downstream service verifies them with a standard
 * library. `requireClient` and `requireUser` guard routes; each refuses the
 * other kind of token, and both refuse any other JWT these keys sign.
 */
import { randomUUID } from 'node:crypto';
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import { ApiError } from '@tessera/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { SigningKey } from './signingKeys.ts';
import type { StepUpClaims, StepUpTokens } from './stepUpTokens.ts';

/** The header type of every access token (RFC 9068 §2.1); another JWT these keys sign names another type. */
export const accessTokenType = 'at+jwt';

/** What every access token says beside its own claims (RFC 9068 §2.2), set by `signAccessToken`. */
export interface RegisteredClaims {
  /** The issuer: the gateway's public base URL. */
  iss?: string;
  /** The audience: the gateway's own (TOKEN_AUDIENCE), and for some tokens the client's resources (RFC 8707). */
  aud?: string | string[];
  /** A random id, unique per token. */
  jti?: string;
  /** Issued at and expiry, seconds since the epoch. */
  iat?: number;
  exp?: number;
}

export interface ClientClaims extends RegisteredClaims {
  token_use: 'client';
  /** The client itself (RFC 9068 §2.2: the client credentials grant has no user). */
  sub: string;
  client_id: string;
  scope: string;
}

export interface UserClaims extends RegisteredClaims {
  token_use: 'user';
  sub: string;
  client_id: string;
  /** Always `user` (userTokenScope): the signed-in user acting on their own account. */
  scope: string;
  sid: string;
  fam: string;
  roles: string[];
}

type OwnClaims<Claims> = Omit<Claims, keyof RegisteredClaims>;

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
    /**
     * An access token with these claims, valid for `lifetimeSeconds`: the registered claims and `typ` are added
     * here. Its `aud` is the gateway's own audience unless `audience` names another (RFC 8707 resources).
     */
    signAccessToken(
      claims: OwnClaims<ClientClaims> | OwnClaims<UserClaims>,
      lifetimeSeconds: number,
      audience?: string | string[],
    ): string;
    /** The issuer tokens name (`iss`): the public base URL. */
    tokenIssuer(): string;
    /** The gateway's own audience: the one a token must name to be accepted here. */
    tokenAudience(): string;
    /**
     * The claims of an access token this gateway issued and would accept now (its login not revoked), or of a
     * step-up token still usable (not expired, not consumed, its login alive), or undefined. It names the gateway's
     * own audience, or one of `otherAudiences` (the resources of the client asking).
     */
    activeToken(
      token: string,
      otherAudiences?: readonly string[],
    ): Promise<ClientClaims | UserClaims | StepUpClaims | undefined>;
  }
  interface FastifyRequest {
    client?: ClientClaims;
    userClaims?: UserClaims;
  }
}

export interface AuthOptions {
  signingKeys: SigningKey[];
  /** The issuer: a function, since a development gateway's own is its listening address (tokenIssuer.ts). */
  issuer: () => string;
  /** The audience every access token names and must name to be accepted here; unset: the issuer. */
  audience?: string;
  /** Whether a login was revoked (logout, password change, token reuse): its access tokens are refused at once. */
  isSessionRevoked?: (familyId: string) => Promise<boolean>;
  /** Step-up tokens, which introspection answers for too. */
  stepUpTokens?: StepUpTokens;
  /**
   * Whether a step-up token was consumed, or revoked by what happened to its user since it was signed (a phone number
   * change): introspection answers it inactive at once.
   */
  isStepUpTokenSpent?: (claims: StepUpClaims) => Promise<boolean>;
}

/** Whether a token's `aud` (one or several) names this audience. */
function namesAudience(aud: RegisteredClaims['aud'], audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/**
 * The claims of the request's access token, or UNAUTHENTICATED. Signature, `typ` and expiry are checked by the
 * verifier and remembered with the token; issuer and audience here, as the issuer may be known only once the
 * gateway listens: two string comparisons per request.
 */
async function verified(request: FastifyRequest, options: AuthOptions): Promise<ClientClaims | UserClaims> {
  let claims: ClientClaims | UserClaims;
  try {
    claims = await request.jwtVerify<ClientClaims | UserClaims>();
  } catch {
    throw new ApiError('UNAUTHENTICATED');
  }
  if (!namesThisGateway(claims, options)) throw new ApiError('UNAUTHENTICATED');
  return claims;
}

/** Whether the token names this gateway as its issuer and audience. */
function namesThisGateway(claims: RegisteredClaims, options: AuthOptions): boolean {
  const issuer = options.issuer();
  return claims.iss === issuer && namesAudience(claims.aud, options.audience ?? issuer);
}

/**
 * What introspection answers (RFC 7662): the claims of a token that verifies, names this issuer and the gateway's
 * audience or one of `otherAudiences`, and is not revoked.
 */
async function activeClaims(
  app: FastifyInstance,
  options: AuthOptions,
  token: string,
  otherAudiences: readonly string[],
) {
  let claims: ClientClaims | UserClaims;
  try {
    claims = await app.jwt.verify<ClientClaims | UserClaims>(token);
  } catch {
    return activeStepUpClaims(options, token);
  }
  const forAnother = claims.iss === options.issuer() && otherAudiences.some((aud) => namesAudience(claims.aud, aud));
  if (!forAnother && !namesThisGateway(claims, options)) return undefined;
  if (claims.token_use === 'user' && (await options.isSessionRevoked?.(claims.fam))) return undefined;
  return claims;
}

/** A step-up token is active until it expires, is consumed, its login ends or its user's phone number changes. */
async function activeStepUpClaims(options: AuthOptions, token: string): Promise<StepUpClaims | undefined> {
  const claims = await options.stepUpTokens?.verify(token);
  if (!claims || claims.exp <= Math.floor(Date.now() / 1000)) return undefined;
  if (await options.isStepUpTokenSpent?.(claims)) return undefined;
  if (await options.isSessionRevoked?.(claims.fam)) return undefined;
  return claims;
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
      sign: { algorithm: 'EdDSA', kid: current.kid, header: { alg: 'EdDSA', typ: accessTokenType } },
      // Verified tokens are remembered until they expire: a client token is presented on every call, and an
      // Ed25519 check per request was the gateway's largest cost. Revocation is checked on every request regardless.
      // Only access tokens pass: a token of another type signed with the same keys is refused by its header.
      verify: { algorithms: ['EdDSA'], checkTyp: accessTokenType, requiredClaims: ['exp'], cache: 10_000 },
      decode: { complete: true },
    });

    app.decorate('tokenIssuer', options.issuer);
    app.decorate('tokenAudience', () => options.audience ?? options.issuer());
    app.decorate(
      'signAccessToken',
      (
        claims: OwnClaims<ClientClaims> | OwnClaims<UserClaims>,
        lifetimeSeconds: number,
        audience?: string | string[],
      ) => {
        const issuer = options.issuer();
        const issuedAt = Math.floor(Date.now() / 1000);
        // The plugin's own signer: reply.jwtSign (with or without options) builds a new signer, parsing the PEM key, for every token.
        return app.jwt.sign({
          ...claims,
          iss: issuer,
          aud: audience ?? options.audience ?? issuer,
          jti: randomUUID(),
          iat: issuedAt,
          exp: issuedAt + lifetimeSeconds,
        });
      },
    );

    app.decorate('activeToken', (token: string, otherAudiences: readonly string[] = []) =>
      activeClaims(app, options, token, otherAudiences),
    );

    app.decorate('requireClient', (scope: string) => async (request: FastifyRequest) => {
      const claims = await verified(request, options);
      if (claims.token_use !== 'client') throw new ApiError('WRONG_TOKEN_TYPE');
      if (!claims.scope.split(' ').includes(scope)) throw new ApiError('INSUFFICIENT_SCOPE');
      request.client = claims;
    });

    app.decorate('requireUser', () => async (request: FastifyRequest) => {
      const claims = await verified(request, options);
      if (claims.token_use !== 'user') throw new ApiError('WRONG_TOKEN_TYPE');
      if (await options.isSessionRevoked?.(claims.fam)) throw new ApiError('UNAUTHENTICATED');
      request.userClaims = claims;
    });
  },
  { name: 'tessera-auth' },
);
