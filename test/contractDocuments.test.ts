/** The committed OpenAPI, event and command schemas and error catalogue match the source. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { renderContractDocuments } from '../scripts/contractDocuments.ts';

t.test('generated contract documents are up to date (run npm run contracts:generate)', async (t) => {
  for (const [file, content] of Object.entries(await renderContractDocuments())) {
    t.equal(readFileSync(file, 'utf8'), content, `${file} is current`);
  }
});

t.test('every error code in the catalogue is unique', async (t) => {
  const { errorCatalogue } = await import('@tessera/contracts');
  const codes = Object.values(errorCatalogue).map((entry) => entry.errorCode);
  t.equal(new Set(codes).size, codes.length);
});
