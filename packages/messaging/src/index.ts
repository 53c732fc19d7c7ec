export type { Consumer, Message, MessageBus, MessageHandler, RequestHandler } from './messageBus.ts';
export { RequestTimeoutError } from './messageBus.ts';
export type { InProcessBusOptions } from './inProcessBus.ts';
export { createInProcessBus } from './inProcessBus.ts';
