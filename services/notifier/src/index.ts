export * from './application/otpNotifier.ts';
export * from './application/messages.ts';
export * from './application/dispatchLedger.ts';
