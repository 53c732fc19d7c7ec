export * from './smsSender.ts';
export * from './smsErrors.ts';
export * from './devOutboxSms.ts';
export * from './plivoSms.ts';
export * from './plivoSignature.ts';
export * from './resilientSms.ts';
