/**
 * The embedded default's API client, so a newcomer can call the API at once.
 * Made on first run with a random secret (printed once), or fixed by
 * DEV_CLIENT_ID / DEV_CLIENT_SECRET (registering again with a new secret rotates it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiClientView } from '@tessera/read-models/views';
import type { ViewCollection } from '@tessera/read-models';
import type { IdentityClient } from '@tessera/gateway';
import { randomUUID } from 'node:crypto';

export interface DevClientNotice {
  clientId: string;
  /** Present only when this run chose or was given the secret. */
  secret?: string;
  created: boolean;
}

export interface DevClientOptions {
  dataDir: string;
  identity: IdentityClient;
  apiClients: ViewCollection<ApiClientView>;
  configured: { clientId: string; secret: string } | undefined;
  scopes: string[];
  newSecret: () => string;
  hashSecret: (secret: string) => string;
}

export async function ensureDevClient(options: DevClientOptions): Promise<DevClientNotice> {
  const file = path.join(options.dataDir, 'dev-client.json');
  const remembered = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { clientId: string }).clientId
    : undefined;
  let notice: DevClientNotice;
  if (options.configured) {
    notice = { clientId: options.configured.clientId, secret: options.configured.secret, created: false };
  } else if (remembered && (await options.apiClients.get(remembered))) {
    return { clientId: remembered, created: false };
  } else {
    notice = { clientId: `dev-${randomUUID().slice(0, 8)}`, secret: options.newSecret(), created: true };
  }
  const secretHash = options.hashSecret(notice.secret ?? '');
  const result = await options.identity.send({
    type: 'RegisterApiClient',
    metadata: { correlationId: randomUUID(), clientId: 'embedded-bootstrap' },
    payload: { clientId: notice.clientId, name: 'Development client', scopes: options.scopes, secretHash },
  });
  if (!result.ok) throw new Error(`could not register the development API client: ${result.error}`);
  writeFileSync(file, JSON.stringify({ clientId: notice.clientId }), { mode: 0o600 });
  // The token endpoint reads the projection: wait until the client is there.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const view = await options.apiClients.get(notice.clientId);
    if (view?.secretHash === secretHash) return { ...notice, created: (result.data as { created: boolean }).created };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the development API client did not reach the read model in time');
}
