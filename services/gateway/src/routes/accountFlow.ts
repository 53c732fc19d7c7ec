/**
 * Steps 1–4 of the account flow (API.md): sign-up, login, SMS code, resend,
 * refresh, forgotten password, one plugin per feature (signUp.ts,
 * loginAndCodes.ts, refresh.ts, passwordReset.ts). Each call becomes one
 * identity command; the gateway itself holds no domain rule. The calls an
 * attacker would repeat have a stricter per-IP limit, and those naming an
 * account count against it too, from any IP (rateLimits.ts). What they share
 * is here: their options, and the examples and links of their documentation.
 */
import { example, scopes } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView, UserView } from '@tessera/read-models/views';
import type { IdentityClient } from '../identityClient.ts';
import type { ProjectionWatch } from '../readYourWrites.ts';
import type { StepUpTokens } from '../stepUpTokens.ts';

export interface AccountFlowOptions {
  identity: IdentityClient;
  users: ViewCollection<UserView>;
  /** The API clients: a user token names the resources its client is registered with. */
  apiClients: ViewCollection<ApiClientView>;
  commandPublicKey: Buffer;
  accessTokenTtlSeconds: number;
  readYourWritesTimeoutMs: number;
  projections?: ProjectionWatch | undefined;
  /** Signs the step-up token a step-up's right code answers, and verifies it when consumed. */
  stepUpTokens: StepUpTokens;
}

export const clientAuth = [{ clientAuth: [scopes.usersWrite] }];
export const challengeExample = {
  sessionId: example.loginSessionId,
  challengeType: 'SMS_OTP' as const,
  codeDeliveryDestination: example.maskedPhoneNumber,
  expiresIn: 300,
};
export const tokensExample = {
  userId: example.userId,
  accessToken: example.accessToken,
  tokenType: 'Bearer' as const,
  expiresIn: 300,
  refreshToken: example.refreshToken,
  refreshExpiresIn: 2_592_000,
};
/** A body for the next call, from this call's request and answer (runtime expressions, as stateful fuzzers read them). */
export const challengeLinks = (username: string) => ({
  verifyOtp: {
    operationId: 'verifyOtp',
    description: 'Answer the code sent on this session (the code itself comes by SMS).',
    requestBody: {
      sessionId: '$response.body#/data/sessionId',
      username,
      challengeType: '$response.body#/data/challengeType',
    },
  },
  resendOtp: {
    operationId: 'resendOtp',
    description: 'Send a new code on this session.',
    requestBody: { sessionId: '$response.body#/data/sessionId', username },
  },
});
