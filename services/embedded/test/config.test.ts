import t from 'tap';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';

t.test('with nothing set, the defaults of a fresh clone apply', async (t) => {
  const config = loadConfig({}, '/srv/app');
  t.equal(config.port, 3000);
  t.equal(config.dataDir, path.resolve('/srv/app', './data'));
  t.same(
    config.passwordHashing,
    { memoryBytes: 19 * 1024 * 1024, iterations: 2 },
    'argon2id at OWASP’s minimum: 19 MiB, t=2',
  );
  t.equal(config.identity.otpLength, 4);
  t.equal(config.identity.otpMaxAttempts, 3);
  t.equal(config.identity.otpTtlSeconds, 300);
  t.equal(config.devClient, undefined);
});

t.test('settings come from the environment', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    DATA_DIR: '/var/tessera',
    DEV_CLIENT_ID: 'demo',
    DEV_CLIENT_SECRET: 'demo-secret-0123456789',
    OTP_LENGTH: '6',
    SIGNUP_ROLES: 'USER, INVESTOR',
  });
  t.equal(config.port, 8080);
  t.equal(config.dataDir, '/var/tessera');
  t.same(config.devClient, { clientId: 'demo', secret: 'demo-secret-0123456789' });
  t.equal(config.identity.otpLength, 6);
  t.same(config.identity.allowedSignUpRoles, ['USER', 'INVESTOR']);
});

t.test('every invalid setting is reported at once, in words', async (t) => {
  const error = t.throws(() =>
    loadConfig({ PORT: 'eighty', OTP_LENGTH: '3', DEV_CLIENT_ID: 'demo', LOG_LEVEL: 'loud' }),
  ) as unknown as ConfigError;
  t.ok(error instanceof ConfigError);
  t.equal(error.problems.length, 4);
  t.match(error.message, /PORT must be a whole number from 0 to 65535/);
  t.match(error.message, /OTP_LENGTH must be a whole number from 4 to 10/);
  t.match(error.message, /set DEV_CLIENT_ID and DEV_CLIENT_SECRET together/);
  t.match(error.message, /LOG_LEVEL must be one of/);
});

t.test('a too-short development secret is refused', async (t) => {
  t.throws(
    () => loadConfig({ DEV_CLIENT_ID: 'demo', DEV_CLIENT_SECRET: 'short' }),
    /DEV_CLIENT_SECRET must be 16 to 256 characters/,
  );
});

t.test('the login lock: five wrong passwords, then one minute doubling to an hour, each configurable', async (t) => {
  t.same(loadConfig({}).identity.loginLock, { threshold: 5, baseSeconds: 60, maxSeconds: 3600 });
  t.same(
    loadConfig({ LOGIN_LOCK_THRESHOLD: '8', LOGIN_LOCK_BASE_SECONDS: '30', LOGIN_LOCK_MAX_SECONDS: '900' }).identity
      .loginLock,
    { threshold: 8, baseSeconds: 30, maxSeconds: 900 },
  );
  t.throws(
    () => loadConfig({ LOGIN_LOCK_BASE_SECONDS: '600', LOGIN_LOCK_MAX_SECONDS: '60' }),
    /LOGIN_LOCK_MAX_SECONDS must be at least LOGIN_LOCK_BASE_SECONDS/,
  );
  t.throws(
    () => loadConfig({ LOGIN_LOCK_THRESHOLD: '1' }),
    /LOGIN_LOCK_THRESHOLD must be a whole number from 3 to 100/,
  );
});

t.test(
  'request limits: generous per IP, stricter on sensitive routes, per identifier over 15 minutes, each configurable',
  async (t) => {
    t.same(loadConfig({}).gateway.rateLimits, {
      perIp: 600,
      sensitivePerIp: 60,
      ipWindowSeconds: 60,
      perIdentifier: 20,
      identifierWindowSeconds: 900,
    });
    const set = loadConfig({
      RATE_LIMIT_PER_IP: '1000',
      RATE_LIMIT_SENSITIVE_PER_IP: '30',
      RATE_LIMIT_IP_WINDOW_SECONDS: '10',
      RATE_LIMIT_PER_IDENTIFIER: '10',
      RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS: '3600',
    });
    t.same(set.gateway.rateLimits, {
      perIp: 1000,
      sensitivePerIp: 30,
      ipWindowSeconds: 10,
      perIdentifier: 10,
      identifierWindowSeconds: 3600,
    });
    t.throws(() => loadConfig({ RATE_LIMIT_PER_IP: '0' }), /RATE_LIMIT_PER_IP must be a whole number from 1/);
  },
);

t.test('X-Forwarded-For is believed only from the proxies listed in TRUST_PROXY', async (t) => {
  t.equal(loadConfig({}).gateway.trustProxy, false, "by default the connection's peer is the client");
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7, 2001:db8::/32, loopback' }).gateway.trustProxy, [
    '10.0.0.0/8',
    '192.0.2.7',
    '2001:db8::/32',
    'loopback',
  ]);
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY=true would let any caller pick its own IP/);
  t.throws(() => loadConfig({ TRUST_PROXY: '2' }), /not a hop count/);
  t.throws(
    () => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }),
    /TRUST_PROXY must be false, or addresses and CIDR ranges separated by commas \(not "10\.0\.0\.0\/33"\)/,
  );
  t.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example.com' }), /TRUST_PROXY must be false/);
});

t.test('tokens name the public base URL as issuer, and TOKEN_AUDIENCE as audience', async (t) => {
  t.same(
    [loadConfig({}).gateway.issuer, loadConfig({}).gateway.audience],
    [undefined, undefined],
    'unset: the listening address, and the issuer as audience',
  );
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://api.example.com/' }).gateway.issuer, 'https://api.example.com');
  const both = loadConfig({ PUBLIC_BASE_URL: 'https://api.example.com', TOKEN_ISSUER: 'https://auth.example.com/id' });
  t.equal(both.gateway.issuer, 'https://auth.example.com/id', 'TOKEN_ISSUER first');
  t.equal(
    loadConfig({ TOKEN_AUDIENCE: 'https://payments.example.com' }).gateway.audience,
    'https://payments.example.com',
  );
  t.throws(() => loadConfig({ TOKEN_ISSUER: 'tessera' }), /TOKEN_ISSUER is not an absolute URL: tokens name it/);
  t.throws(() => loadConfig({ TOKEN_ISSUER: 'ftp://example.com' }), /TOKEN_ISSUER must be an http or https URL/);
  t.throws(() => loadConfig({ TOKEN_ISSUER: 'https://example.com/?a=1' }), /must have no query or fragment/);
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'example.com' }), /PUBLIC_BASE_URL is not an absolute URL/);
  t.throws(() => loadConfig({ TOKEN_AUDIENCE: 'two words' }), /TOKEN_AUDIENCE must be 1 to 200 printable/);
});

t.test('the command timeout is COMMAND_TIMEOUT_MS, 5 s by default, as in the distributed gateway', async (t) => {
  t.equal(loadConfig({}).gateway.commandTimeoutMs, 5000);
  t.equal(loadConfig({ COMMAND_TIMEOUT_MS: '1500' }).gateway.commandTimeoutMs, 1500);
  t.throws(
    () => loadConfig({ COMMAND_TIMEOUT_MS: '50' }),
    /COMMAND_TIMEOUT_MS must be a whole number from 100 to 60000/,
  );
});

t.test(
  'the log is signed every 1000 events or 60 s with the audit key in the data folder, each configurable',
  async (t) => {
    t.same(
      loadConfig({}, '/srv/app').audit,
      { keyFile: path.resolve('/srv/app', 'data', 'audit-key.json'), everyEvents: 1000, everySeconds: 60 },
      'the defaults',
    );
    t.match(
      loadConfig(
        { AUDIT_KEY_FILE: 'secrets/audit.json', AUDIT_CHECKPOINT_EVENTS: '10', AUDIT_CHECKPOINT_SECONDS: '3600' },
        '/srv/app',
      ).audit,
      { keyFile: path.resolve('/srv/app', 'secrets/audit.json'), everyEvents: 10, everySeconds: 3600 },
    );
    t.throws(
      () => loadConfig({ AUDIT_CHECKPOINT_EVENTS: '9' }),
      /AUDIT_CHECKPOINT_EVENTS must be a whole number from 10 to 100000/,
    );
    t.throws(
      () => loadConfig({ AUDIT_CHECKPOINT_SECONDS: '0' }),
      /AUDIT_CHECKPOINT_SECONDS must be a whole number from 1 to 3600/,
    );
  },
);
t.test('the development pages are off unless DEV_PAGES=true', async (t) => {
  t.equal(loadConfig({}).gateway.devPages, false);
  t.equal(loadConfig({ DEV_PAGES: 'true' }).gateway.devPages, true);
  t.equal(loadConfig({ DEV_PAGES: 'false' }).gateway.devPages, false);
  t.throws(() => loadConfig({ DEV_PAGES: 'yes' }), /DEV_PAGES must be one of true, false/);
});
