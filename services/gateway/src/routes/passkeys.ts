/**
 * Passkeys (ADR 31): a signed-in user asks for creation options, registers
 * the passkey the browser made (with the password again or a MANAGE_PASSKEYS
 * step-up token), lists and removes them. Identity verifies the WebAuthn
 * answers against the calling client's relying party; the gateway passes them
 * on. A passkey then answers a login's challenge (POST /v1/user/otp, PASSKEY).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  Envelope,
  example,
  PASSKEY_REGISTRATION_BODY_LIMIT_BYTES,
  PasskeyOptionsData,
  PasskeyParams,
  PasskeyRegisteredData,
  PasskeyRemovedData,
  PasskeysData,
  ReadHeaders,
  RegisterPasskeyBody,
  type PasskeyCreationOptions,
  WriteHeaders,
} from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { success } from '../envelope.ts';
import { answers } from '../routeAnswers.ts';
import type { AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const userAuth = [{ userAuth: [] }];

const optionsExample = {
  options: {
    rp: { id: 'acme-bank.example', name: 'Acme Bank' },
    user: { id: 'W3wfni1KTI6fMWoNLot8RQ', name: example.email, displayName: example.email },
    challenge: example.passkeyChallenge,
    pubKeyCredParams: [
      { type: 'public-key', alg: -8 },
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -257 },
    ],
    timeout: 300000,
    excludeCredentials: [],
    authenticatorSelection: { residentKey: 'preferred', requireResidentKey: false, userVerification: 'required' },
    attestation: 'none',
    extensions: { credProps: true },
  },
};
const passkeyExample = { credentialId: example.passkeyCredentialId, registeredAt: example.activatedAt };

const optionsSchema = {
  tags: ['user'],
  operationId: 'startPasskeyRegistration',
  summary: 'Creation options for a new passkey',
  description:
    "WebAuthn creation options for `navigator.credentials.create({ publicKey })` (base64url fields decoded), bound to this login and valid five minutes; the authenticator shows the user's email beside the passkey. User verification is required; passkeys already registered are excluded. A client without a relying party offers no passkeys (422 PASSKEYS_NOT_OFFERED).",
  security: userAuth,
  headers: WriteHeaders,
  body: Type.Object({}, { additionalProperties: false, examples: [{}], description: 'Empty.' }),
  response: {
    200: Envelope(PasskeyOptionsData, { description: 'Options for the browser.', example: optionsExample }),
    ...answers('userWrite', { 422: ['PASSKEYS_NOT_OFFERED'] }),
  },
};

const registerAnswers = answers('userWrite', {
  401: ['INVALID_CREDENTIALS', 'STEP_UP_SESSION_ENDED'],
  403: ['ACCOUNT_LOCKED', 'STEP_UP_TOKEN_INVALID', 'STEP_UP_TOKEN_EXPIRED', 'STEP_UP_TOKEN_REVOKED'],
  409: ['STEP_UP_TOKEN_ALREADY_USED', 'PASSKEY_ALREADY_REGISTERED'],
  422: ['STEP_UP_ACTION_MISMATCH', 'PASSKEY_REGISTRATION_INVALID', 'PASSKEYS_NOT_OFFERED'],
  429: ['LOGIN_TEMPORARILY_LOCKED'],
});
const tooLarge = registerAnswers[413] as unknown as { description: string };

const registerSchema = {
  tags: ['user'],
  operationId: 'registerPasskey',
  summary: 'Register the passkey the browser made',
  description: `The answer of \`navigator.credentials.create()\` for the options of POST /v1/user/passkeys/options, with the password again (checked as login checks it: its lock and its count of wrong passwords) or a \`stepUpToken\` for MANAGE_PASSKEYS of this user and this client, which this consumes: a passkey signs in without the phone, so binding one asks for more than a live login. An answer that does not verify (another challenge, an expired one, another origin, no user verification) is 422 PASSKEY_REGISTRATION_INVALID and a step-up token stays unused. The user's phone gets an SMS saying a passkey was added. The body may be up to ${PASSKEY_REGISTRATION_BODY_LIMIT_BYTES / 1024} KiB.`,
  security: userAuth,
  headers: WriteHeaders,
  body: RegisterPasskeyBody,
  response: {
    201: Envelope(PasskeyRegisteredData, { description: 'The passkey is registered.', example: passkeyExample }),
    ...registerAnswers,
    413: { ...tooLarge, description: tooLarge.description.replace('16 KiB', '32 KiB') },
  },
};

const listSchema = {
  tags: ['user'],
  operationId: 'listPasskeys',
  summary: "The user's passkeys for this app",
  description:
    "The passkeys registered through this API client, oldest first: another client's passkeys belong to its relying party and are not listed.",
  security: userAuth,
  headers: ReadHeaders,
  response: {
    200: Envelope(PasskeysData, {
      description: 'The passkeys.',
      example: { passkeys: [{ ...passkeyExample, transports: ['internal', 'hybrid'] }] },
    }),
    ...answers('userRead', { 503: ['DEPENDENCY_UNAVAILABLE'] }),
  },
};

const removeSchema = {
  tags: ['user'],
  operationId: 'removePasskey',
  summary: 'Remove a passkey',
  description:
    "The passkey stops answering logins at once. The user's phone gets an SMS saying a passkey was removed. An unknown, already removed or another client's passkey answers 404 PASSKEY_NOT_FOUND.",
  security: userAuth,
  headers: ReadHeaders,
  params: PasskeyParams,
  response: {
    200: Envelope(PasskeyRemovedData, {
      description: 'The passkey is removed.',
      example: { credentialId: example.passkeyCredentialId, removed: true },
    }),
    ...answers('userRead', {
      400: ['MALFORMED_BODY'],
      404: ['PASSKEY_NOT_FOUND'],
      413: ['BODY_TOO_LARGE'],
      414: ['URI_TOO_LONG'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
      503: ['DEPENDENCY_UNAVAILABLE'],
    }),
  },
};

const removeLink = {
  removePasskey: {
    operationId: 'removePasskey',
    description: 'Remove the passkey just registered.',
    parameters: { credentialId: '$response.body#/data/credentialId' },
  },
};

const listLink = {
  removePasskey: {
    operationId: 'removePasskey',
    description: 'Remove the first passkey listed.',
    parameters: { credentialId: '$response.body#/data/passkeys/0/credentialId' },
  },
};

export const passkeyRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  answersAreNotStored(app);
  const caller = (request: FastifyRequest) => ({ userId: request.userClaims!.sub, familyId: request.userClaims!.fam });

  app.post('/v1/user/passkeys/options', { preHandler: app.requireUser(), schema: optionsSchema }, async (request) => {
    const signedIn = caller(request);
    // The authenticator shows the email beside the passkey, as the user knows the account by it.
    const view = await options.users.get(signedIn.userId);
    const userName = view?.email || signedIn.userId;
    const { data } = await send(request, 'StartPasskeyRegistration', { ...signedIn, userName });
    // Identity made them with @simplewebauthn/server: WebAuthn's JSON form, which the schema describes.
    return success({ options: data.options as PasskeyCreationOptions });
  });

  app.post(
    '/v1/user/passkeys',
    {
      config: { ...app.sensitiveRateLimit },
      bodyLimit: PASSKEY_REGISTRATION_BODY_LIMIT_BYTES,
      preHandler: app.requireUser(),
      schema: registerSchema,
      links: { 201: removeLink },
    },
    async (request, reply) => {
      const signedIn = caller(request);
      const body = request.body;
      // Counted with the login attempts naming the same account: the password is guessed here as there.
      await app.limitIdentifier(signedIn.userId);
      const proof =
        'password' in body
          ? { sealedSecrets: channel.seal({ password: body.password }) }
          : { stepUp: await verifiedStepUp(options, body.stepUpToken, signedIn.userId) };
      const { data } = await send(request, 'RegisterPasskey', { ...signedIn, response: body.response, ...proof });
      void reply.code(201);
      return success({ credentialId: data.credentialId, registeredAt: data.registeredAt });
    },
  );

  app.get(
    '/v1/user/passkeys',
    { preHandler: app.requireUser(), schema: listSchema, links: { 200: listLink } },
    async (request) => {
      const { data } = await send(request, 'ListPasskeys', caller(request));
      return success(data);
    },
  );

  app.delete(
    '/v1/user/passkeys/:credentialId',
    { preHandler: app.requireUser(), schema: removeSchema },
    async (request) => {
      const { credentialId } = request.params;
      const { data } = await send(request, 'RemovePasskey', { ...caller(request), credentialId });
      return success({ credentialId: data.credentialId, removed: data.removed });
    },
  );
};

/** The token must be one this gateway signed, for the user of the user token; identity checks the rest. */
async function verifiedStepUp(options: AccountFlowOptions, token: string, userId: string) {
  const claims = await options.stepUpTokens.verify(token);
  if (!claims || claims.sub !== userId) throw new ApiError('STEP_UP_TOKEN_INVALID');
  return { stepUpId: claims.sid, tokenId: claims.jti };
}
