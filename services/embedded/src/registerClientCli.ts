/**
 * Registers an API client (a partner) in the embedded default's data
 * directory: `npm run client:register -- --name "Acme Bank" [--scopes users:write,users:read] [--id acme]`.
 * The secret is printed once and stored only as a hash. A running server picks
 * the client up within a second.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isResourceUri, knownScopes, resourceLimits, scopes as scopeNames } from '@tessera/contracts';
import { createPasswordHasher, generateSecretToken, hashSecretToken } from '@tessera/crypto';
import { createIdentityService, loadBreachedPasswordList } from '@tessera/identity';
import { createLogger } from '@tessera/logging';
import { connectEventStore, connectPersonalData, loadKeyring, loadOrCreateKeyring } from '@tessera/runtime';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { ConfigError, loadConfig, type EmbeddedConfig } from './config.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const usage =
  'usage: npm run client:register -- --name "Acme Bank" [--scopes users:write,users:read] [--id acme-bank] [--audiences https://payments.acme.example,…]';

/** The resources the client's tokens may name (RFC 8707): absolute URIs without a fragment, a few at most. */
function requestedAudiences(list: string | undefined): string[] {
  const audiences = [
    ...new Set(
      (list ?? '')
        .split(',')
        .map((audience) => audience.trim())
        .filter(Boolean),
    ),
  ];
  const invalid = audiences.filter((audience) => !isResourceUri(audience));
  if (invalid.length > 0)
    fail(
      `--audiences must be absolute URIs without a fragment, at most ${resourceLimits.length} characters: ${invalid.join(', ')}`,
    );
  if (audiences.length > resourceLimits.perClient) fail(`at most ${resourceLimits.perClient} --audiences`);
  return audiences;
}

/** The client asked for on the command line; undefined when only help was asked for. */
function requestedClient(): { name: string; scopes: string[]; clientId: string; audiences: string[] } | undefined {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      id: { type: 'string' },
      audiences: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\nscopes: ${knownScopes.join(', ')}\n`);
    return undefined;
  }
  const name = values.name?.trim();
  if (!name || name.length > 100) fail(`a --name of 1 to 100 characters is required\n${usage}`);
  const scopes = (values.scopes ?? `${scopeNames.usersWrite},${scopeNames.usersRead}`)
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.filter((scope) => !knownScopes.includes(scope));
  if (unknown.length > 0) fail(`unknown scope(s): ${unknown.join(', ')}; known: ${knownScopes.join(', ')}`);
  const clientId = values.id ?? `client-${randomUUID().slice(0, 12)}`;
  if (!/^[A-Za-z0-9._-]{3,64}$/.test(clientId))
    fail('--id must be 3 to 64 letters, digits, dots, dashes or underscores');
  return { name, scopes, clientId, audiences: requestedAudiences(values.audiences) };
}

/** Identity over the configured event store and key store, and how to close them. */
async function openIdentity(config: EmbeddedConfig) {
  // Distributed deployments name their keyring and event store; the embedded default keeps both in DATA_DIR.
  const keysFile = process.env.KEYS_FILE?.trim();
  const keyring = keysFile ? loadKeyring(path.resolve(keysFile)) : loadOrCreateKeyring(config.dataDir).keyring;
  const eventStoreUrl = process.env.EVENTSTORE_URL?.trim() || undefined;
  const cliLogger = createLogger('client-register', { level: 'warn', destination: process.stderr as never });
  const eventStore = await connectEventStore({ eventStoreUrl, dataDir: config.dataDir }, cliLogger);
  // API clients hold no personal data; identity still needs its key store to open.
  const personalData = await connectPersonalData(
    {
      mongoUrl: process.env.MONGO_URL?.trim() || undefined,
      database: process.env.KEYS_DATABASE?.trim() || 'tessera_keys',
      dataDir: config.dataDir,
      hashingKey: keyring.hashingKey,
    },
    cliLogger,
  );
  const identity = createIdentityService({
    eventStore,
    personalData: personalData.protector,
    kycProvider: createDevKycProvider({
      publicBaseUrl: config.publicBaseUrl ?? `http://${config.host}:${config.port}`,
    }),
    wallet: createDevWalletIssuer(),
    passwordHasher: await createPasswordHasher(config.passwordHashing),
    breachedPasswords: loadBreachedPasswordList(),
    keys: {
      hashingKey: keyring.hashingKey,
      commandKeyPair: keyring.commandKeyPair,
      notifierPublicKey: keyring.notifierKeyPair.publicKey,
    },
    config: config.identity,
    clock: () => new Date(),
  });
  const close = async () => {
    await eventStore.close();
    await personalData.keyStore.close();
  };
  return { identity, close };
}

async function main() {
  const requested = requestedClient();
  if (!requested) return;
  const { name, scopes, clientId, audiences } = requested;
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { identity, close } = await openIdentity(config);
  const secret = generateSecretToken();
  const result = await identity.handle({
    type: 'RegisterApiClient',
    metadata: { correlationId: randomUUID(), clientId: 'cli' },
    payload: {
      clientId,
      name,
      scopes,
      secretHash: hashSecretToken(secret),
      ...(audiences.length ? { audiences } : {}),
    },
  });
  await close();
  if (!result.ok) fail(`could not register the client: ${result.error}`);
  const created = (result.data as { created: boolean }).created;
  process.stdout.write(
    [
      created
        ? `Registered API client "${name}".`
        : `Client ${clientId} already existed: its secret has been replaced.`,
      `client_id:     ${clientId}`,
      `client_secret: ${secret}`,
      `scopes:        ${scopes.join(' ')}`,
      ...(created && audiences.length ? [`audiences:     ${audiences.join(' ')}`] : []),
      ...(!created && audiences.length ? ['Audiences are set at registration only: the existing ones are kept.'] : []),
      'The secret is shown only now; Tessera keeps only its hash.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) =>
  fail(`client registration failed: ${error instanceof Error ? error.message : String(error)}`),
);
