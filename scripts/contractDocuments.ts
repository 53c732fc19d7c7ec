import { errorCatalogue, identityEvents, identityEventsAsyncApi, IdentityCommand } from '@tessera/contracts';
import { newSigningKey } from '@tessera/crypto';
import { buildGateway, defaultGatewayConfig } from '@tessera/gateway';
import { createLogger } from '@tessera/logging';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore } from '@tessera/read-models';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every generated document, by path from the repository root. */
export async function renderContractDocuments(): Promise<Record<string, string>> {
  const views = createSqliteViewStore({ path: ':memory:' });
  const app = await buildGateway({
    identity: { send: async () => ({ ok: false, error: 'DEPENDENCY_UNAVAILABLE' }) },
    views,
    signingKeys: [newSigningKey()],
    commandPublicKey: Buffer.alloc(32),
    config: defaultGatewayConfig,
    logger: createLogger('contracts', { level: 'silent' }),
    rateLimitStore: createInMemoryRateLimitStore(),
    rateLimitHashKey: Buffer.alloc(32),
    kyc: { webhookSecret: 'unused', devPages: false },
  });
  await app.ready();
  const openapi = app.swagger();
  await app.close();
  await views.close();

  const events = Object.fromEntries(
    Object.values(identityEvents).map(({ type, schemaVersion, data }) => [type, { schemaVersion, data }]),
  );
  const rows = Object.entries(errorCatalogue).map(
    ([name, entry]) => `| ${entry.errorCode} | \`${name}\` | ${entry.status} | ${entry.message} |`,
  );
  const errors = [
    '# Error catalogue',
    '',
    'Every `/v1` error answers with a real HTTP status and the envelope',
    '`{"success": false, "data": null, "errorCode": <code>, "errorMessage": "<message>"}`.',
    'Codes are stable and never reused. Generated from `contracts/src/errors.ts` by `npm run contracts:generate`.',
    '',
    '| errorCode | name | HTTP | message |',
    '|---|---|---|---|',
    ...rows,
    '',
    '`POST /oauth/token` answers errors the OAuth way instead (RFC 6749 §5.2): `{"error": "invalid_client", "error_description": "…"}`.',
    '',
  ].join('\n');

  return {
    'contracts/generated/openapi.json': json(openapi),
    'contracts/generated/asyncapi.json': json(identityEventsAsyncApi()),
    'contracts/generated/events.schema.json': json(events),
    'contracts/generated/commands.schema.json': json(IdentityCommand),
    'docs/errors.md': errors,
  };
}
