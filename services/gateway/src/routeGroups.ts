/**
 * Which route plugins the gateway serves, with the options each takes, in
 * the order the OpenAPI document lists them.
 */
import type { Views } from '@tessera/read-models/views';
import type { Gateway, GatewayOptions } from './app.ts';
import type { AccountFlowOptions } from './routes/accountFlow.ts';
import { signUpRoutes } from './routes/signUp.ts';
import { loginAndCodeRoutes } from './routes/loginAndCodes.ts';
import { recoveryCodeRoutes } from './routes/recoveryCodes.ts';
import { passkeyRoutes } from './routes/passkeys.ts';
import { refreshRoutes } from './routes/refresh.ts';
import { passwordResetRoutes } from './routes/passwordReset.ts';
import { signedInUserRoutes } from './routes/signedInUser.ts';
import { phoneNumberRoutes } from './routes/phoneNumber.ts';
import { stepUpRoutes } from './routes/stepUp.ts';
import { userSessionRoutes } from './routes/userSessions.ts';
import { adminRoutes } from './routes/admin.ts';
import { accountRoutes, type AccountRoutesOptions } from './routes/accounts.ts';
import { accountActivationRoutes } from './routes/accountActivation.ts';
import { portfolioRoutes } from './routes/portfolios.ts';
import { kycRoutes, type KycRoutesOptions } from './routes/kyc.ts';
import { kycCallbackRoutes } from './routes/kycCallback.ts';
import { kycDevPageRoutes } from './routes/kycDevPages.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { oauthIntrospectionRoutes } from './routes/oauthIntrospection.ts';
import { oauthMetadataRoutes } from './routes/oauthMetadata.ts';
import { oauthRevocationRoutes } from './routes/oauthRevocation.ts';
import { healthRoutes } from './routes/health.ts';
import { plivoWebhookRoutes } from './routes/plivoWebhook.ts';
import { passkeyDevPageRoutes } from './routes/passkeyDevPage.ts';
import type { StepUpTokens } from './stepUpTokens.ts';

/** Every route group, each its own plugin, in the order the OpenAPI document lists them. */
export async function registerRoutes(
  app: Gateway,
  options: GatewayOptions,
  views: Views,
  stepUpTokens: StepUpTokens,
): Promise<void> {
  await app.register(healthRoutes, {
    readiness: [{ name: 'readModels', check: () => options.views.ping() }, ...(options.readiness ?? [])],
  });
  await registerOAuthRoutes(app, options, views);
  await registerUserRoutes(app, options, views, stepUpTokens);
  await registerAccountRoutes(app, options, views);
  if (options.plivoWebhook) await app.register(plivoWebhookRoutes, options.plivoWebhook);
  if (options.config.devPages) await app.register(passkeyDevPageRoutes);
}

/** Client credentials, the key set, introspection, revocation and the discovery document. */
async function registerOAuthRoutes(app: Gateway, options: GatewayOptions, views: Views): Promise<void> {
  const { config } = options;
  await app.register(oauthRoutes, {
    apiClients: views.apiClients,
    signingKeys: options.signingKeys,
    clientTokenTtlSeconds: config.clientTokenTtlSeconds,
  });
  await app.register(oauthIntrospectionRoutes, { apiClients: views.apiClients });
  await app.register(oauthRevocationRoutes, {
    apiClients: views.apiClients,
    sessions: views.sessions,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
    projections: options.projections,
  });
  await app.register(oauthMetadataRoutes);
}

/** The account flow, step-up, the signed-in user and their sessions. */
async function registerUserRoutes(
  app: Gateway,
  options: GatewayOptions,
  views: Views,
  stepUpTokens: StepUpTokens,
): Promise<void> {
  const { config } = options;
  const accountFlow: AccountFlowOptions = {
    identity: options.identity,
    users: views.users,
    apiClients: views.apiClients,
    commandPublicKey: options.commandPublicKey,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
    projections: options.projections,
    stepUpTokens,
  };
  const accountFlowRoutes = [
    signUpRoutes,
    loginAndCodeRoutes,
    refreshRoutes,
    passwordResetRoutes,
    stepUpRoutes,
    phoneNumberRoutes,
    recoveryCodeRoutes,
    passkeyRoutes,
  ];
  for (const routes of accountFlowRoutes) await app.register(routes, accountFlow);
  await app.register(signedInUserRoutes, {
    users: views.users,
    sessions: views.sessions,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  });
  await app.register(userSessionRoutes, {
    sessions: views.sessions,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
    projections: options.projections,
  });
}

/** Accounts, portfolios, KYC and the account manager's operations. */
async function registerAccountRoutes(app: Gateway, options: GatewayOptions, views: Views): Promise<void> {
  const { config } = options;
  const accounts: AccountRoutesOptions = {
    identity: options.identity,
    users: views.users,
    accounts: views.accounts,
    portfolios: views.portfolios,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  };
  for (const routes of [accountRoutes, accountActivationRoutes, portfolioRoutes]) await app.register(routes, accounts);
  const kyc: KycRoutesOptions = {
    identity: options.identity,
    identifications: views.kycIdentifications,
    store: options.views,
    webhookSecret: options.kyc.webhookSecret,
  };
  await app.register(kycRoutes, kyc);
  await app.register(kycCallbackRoutes, kyc);
  if (options.kyc.devPages) await app.register(kycDevPageRoutes, kyc);
  await app.register(adminRoutes, {
    users: views.users,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  });
}
