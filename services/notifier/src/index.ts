export * from './application/smsNotifier.ts';
export * from './application/smsOutcomes.ts';
export * from './application/messages.ts';
export * from './application/dispatchLedger.ts';
export * from './composeNotifier.ts';
export * from './smsSettings.ts';
export * from './application/outcomeRecorder.ts';
