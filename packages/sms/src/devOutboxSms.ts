/**
 * The development SMS "provider": appends each message as one JSON line to
 * `<dataDir>/sms-outbox.jsonl` and prints it, so a developer (or a test) can
 * read the code without a phone. Never used when a real provider is configured.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SmsSender } from './smsSender.ts';

export interface DevOutboxOptions {
  dataDir: string;
  /** Where the readable line goes; the terminal by default, nothing when null. */
  print?: ((line: string) => void) | null;
}

export function outboxPath(dataDir: string): string {
  return path.join(dataDir, 'sms-outbox.jsonl');
}

export function createDevOutboxSms(options: DevOutboxOptions): SmsSender {
  const file = outboxPath(options.dataDir);
  const print = options.print === undefined ? (line: string) => process.stdout.write(`${line}\n`) : options.print;
  return {
    async send(message) {
      await mkdir(options.dataDir, { recursive: true });
      const at = new Date().toISOString();
      const id = `dev-${randomUUID()}`;
      await appendFile(
        file,
        `${JSON.stringify({ to: message.to, text: message.text, at, id, reference: message.reference })}\n`,
        { mode: 0o600 },
      );
      print?.(`[dev SMS outbox] to ${message.to}: ${message.text}`);
      return { providerMessageId: id };
    },
    async findByReference(reference) {
      const content = await readFile(file, 'utf8').catch(() => '');
      for (const line of content.split('\n')) {
        if (!line.includes(reference)) continue;
        const entry = JSON.parse(line) as { id?: string; reference?: string };
        if (entry.reference === reference && entry.id) return { providerMessageId: entry.id };
      }
      return undefined;
    },
  };
}
