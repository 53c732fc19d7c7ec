/** Request plumbing for the fake Plivo: listening, body parsing, Plivo's own checks. */
import type { IncomingMessage, Server } from 'node:http';
import type { FakePlivoMessage } from './fakePlivo.ts';

/** Listens on 127.0.0.1; the same port again when bringing a fake back up. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => (server.off('error', reject), resolve()));
  });
}

/** The whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The SDK sends JSON; Plivo also takes forms, and so does the fake. */
export function parseParams(raw: string, contentType: string | undefined): Record<string, string | undefined> {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]),
    );
  } catch {
    return {};
  }
}

/** Plivo's own refusals of a message, as its error text; undefined when the message is fine. */
export function validateMessage(params: Record<string, string | undefined>): string | undefined {
  if (!params.dst) return 'dst parameter is required';
  if (!params.text) return 'text parameter is required';
  if (!params.src === !params.powerpack_uuid) return 'exactly one of src or powerpack_uuid is required';
  return undefined;
}

/** The optional message fields that were sent, without the ones that were not. */
export function pickOptional(params: Record<string, string | undefined>): Partial<FakePlivoMessage> {
  const picked: Partial<FakePlivoMessage> = {};
  for (const key of ['src', 'powerpack_uuid', 'url', 'method'] as const) {
    const value = params[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
