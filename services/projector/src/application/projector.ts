/**
 * Applies identity events from the bus to the read models, idempotently
 * (each write is guarded by the event's position) and checkpointed, so
 * at-least-once delivery and restarts leave the views exact.
 */
import { eventHeaders, type EventMessageValue } from '@tessera/contracts';
import type { Message } from '@tessera/messaging';
import { createViewWriter, settleAll, type ViewWriter, type ViewWriterOptions } from './viewWriter.ts';

export interface Projector {
  /** Applies one event; resolves once its writes are stored. */
  handle(message: Message): Promise<void>;
}

export type ProjectorOptions = ViewWriterOptions;

/** The event type a message carries: its header, else its value's. */
export const typeOf = (message: Message): string =>
  message.headers[eventHeaders.type] ?? (message.value as EventMessageValue).type;

/** A projector for any view store: each event's writes are stored before the next event is applied. */
export function createProjector(options: ProjectorOptions): Projector {
  return projectorOver(createViewWriter(options));
}

/** The projector that applies each event through `writer`. */
export function projectorOver(writer: ViewWriter): Projector {
  return {
    async handle(message) {
      const received = message.value as EventMessageValue;
      const type = typeOf(message);
      await settleAll(await writer.write(received, type));
      await writer.projected(received, type);
    },
  };
}
