export * from './app.ts';
export * from './gatewayConfig.ts';
export * from './identityClient.ts';
export * from './identityReadiness.ts';
export * from './signingKeys.ts';
export type { ReadinessCheck } from './routes/health.ts';
export * from './gatewayEnv.ts';
export { signKycCallback, KYC_CALLBACK_WINDOW_SECONDS } from './routes/kycCallback.ts';
export { createProjectionWatch, type ProjectionWatch } from './readYourWrites.ts';
