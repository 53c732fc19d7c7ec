export * from './smsSender.ts';
export * from './devOutboxSms.ts';
