export type { Consumer, Message, MessageBus, MessageHandler, RequestHandler, SubscribeOptions } from './messageBus.ts';
export { RequestTimeoutError } from './messageBus.ts';
export type { BatchHandler, BatchSubscribingBus } from './batchSubscribingBus.ts';
export type { InProcessBusOptions } from './inProcessBus.ts';
export { createInProcessBus } from './inProcessBus.ts';
export type { KafkaBusOptions } from './kafkaBus.ts';
export { createKafkaBus } from './kafkaBus.ts';
export type { KafkaBusLogger, KafkaLogLevel } from './kafkaLog.ts';
