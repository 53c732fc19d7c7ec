/**
 * Writes the generated contract documents from the TypeScript schema source:
 * contracts/generated/{openapi,asyncapi,events.schema,commands.schema}.json and
 * docs/errors.md. `npm run contracts:generate`; a test fails when they drift.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderContractDocuments } from './contractDocuments.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [file, content] of Object.entries(await renderContractDocuments())) {
  writeFileSync(path.join(root, file), content);
  process.stdout.write(`wrote ${file}\n`);
}
