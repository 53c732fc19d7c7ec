/**
 * The distributed mode end to end: gateway, identity, notifier and projector
 * as four processes over Kafka and MongoDB, walking the whole account flow;
 * the notifier killed and restarted (every code delivered, none twice); Kafka
 * restarted mid-flow (no event lost, the flow completes after recovery);
 * then every Kafka message and MongoDB document is searched for the
 * passwords, codes, tokens, email and phone used, and the user is erased.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMongoKeyStore, createPersonalDataProtector, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createAuditKeyFile, createKeyringFile, loadKeyring } from '@tessera/runtime';
import { requireServer } from '@tessera/testing';
import { signKycCallback } from '@tessera/gateway';
import { kafkaContents, mongoContents } from '../support/secretSearch.ts';
import type { LooseJson } from '../support/testServer.ts';
import {
  eventually,
  freePort,
  ownKafka,
  startService,
  stopService,
  untilReady,
  type ServiceProcess,
} from '../support/processes.ts';

const kafkaAvailable = requireServer(t, 'KAFKA_BROKERS', 'the distributed end-to-end test over Kafka and MongoDB');
const mongoUrl = requireServer(t, 'MONGO_URL', 'the distributed end-to-end test over Kafka and MongoDB');

if (kafkaAvailable && mongoUrl) {
  t.test(
    'Distributed (Kafka + MongoDB, four processes): the account flow survives a notifier crash and a Kafka restart',
    { timeout: 300_000 },
    async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tessera-distributed-'));
      const kafka = ownKafka(`e2e-${process.pid}`, await freePort(), await freePort());
      kafka.start();
      const keysFile = path.join(dir, 'keys.json');
      createKeyringFile(keysFile);
      const auditKeyFile = path.join(dir, 'audit-key.json');
      createAuditKeyFile(auditKeyFile);
      const gatewayPort = await freePort();
      const ops = { identity: await freePort(), projector: await freePort(), notifier: await freePort() };
      const database = `tessera_e2e_${randomUUID().replaceAll('-', '')}`;
      const kycSecret = `kyc-${randomUUID()}`;
      const base = {
        KAFKA_BROKERS: kafka.brokers,
        MONGO_URL: mongoUrl,
        KEYS_FILE: keysFile,
        // Read by identity alone, whose checkpointer signs the log with it.
        AUDIT_KEY_FILE: auditKeyFile,
        LOG_LEVEL: 'info',
        CI: '',
        KEYS_DATABASE: `${database}_keys`,
        KYC_WEBHOOK_SECRET: kycSecret,
        PUBLIC_BASE_URL: `http://127.0.0.1:${gatewayPort}`,
        ARGON2_MEMORY_KIB: '8192',
        ARGON2_ITERATIONS: '1',
        OTP_LENGTH: '8',
        OTP_RESEND_COOLDOWN_SECONDS: '0',
        COMMAND_TIMEOUT_MS: '3000',
        SMS_BUDGET_PER_WINDOW: '50',
        SMS_BUDGET_PER_DAY: '100',
        // Every call comes from 127.0.0.1 and the token is polled for; the limits are tested in rateLimits.test.ts and sharedRateLimits.test.ts.
        RATE_LIMIT_PER_IP: '100000',
        RATE_LIMIT_SENSITIVE_PER_IP: '100000',
        RATE_LIMIT_PER_IDENTIFIER: '100000',
      };
      const envOf = (name: string, extra: Record<string, string> = {}) => {
        const dataDir = path.join(dir, name);
        mkdirSync(dataDir, { recursive: true });
        return {
          ...base,
          DATA_DIR: dataDir,
          MONGO_DATABASE: name === 'notifier' ? `${database}_notifier` : database,
          INSTANCE_ID: `${name}-e2e`,
          ...extra,
        };
      };
      const services: Record<string, ServiceProcess> = {};
      const start = (name: 'identity' | 'projector' | 'notifier' | 'gateway') => {
        const extra: Record<string, string> =
          name === 'gateway' ? { PORT: String(gatewayPort), HOST: '127.0.0.1' } : { OPS_PORT: String(ops[name]) };
        services[name] = startService(name, envOf(name, extra));
      };
      const allOutput = () =>
        Object.values(services)
          .flatMap((service) => service.output)
          .join('');
      t.teardown(async () => {
        await Promise.all(Object.values(services).map((service) => stopService(service)));
        // On failure, the last lines of each service say why (they hold no secrets: that is asserted below).
        if (!t.passing()) {
          for (const service of Object.values(services))
            t.comment(`--- ${service.name}\n${service.output.join('').split('\n').slice(-25).join('\n')}`);
        }
        try {
          kafka.stop();
        } finally {
          kafka.remove();
        }
        rmSync(dir, { recursive: true, force: true });
      });

      for (const name of ['identity', 'projector', 'notifier', 'gateway'] as const) start(name);
      const api = `http://127.0.0.1:${gatewayPort}`;
      // One deadline for all four: on a busy machine a fresh broker can keep the first group joins waiting.
      await Promise.all([
        untilReady(services.gateway!, `${api}/health/ready`, 120_000),
        ...(['identity', 'projector', 'notifier'] as const).map((name) =>
          untilReady(services[name]!, `http://127.0.0.1:${ops[name]}/health/ready`, 120_000),
        ),
      ]);
      const metrics = await (await fetch(`http://127.0.0.1:${ops.identity}/metrics`)).text();
      t.match(metrics, /tessera_relay_position/, 'identity exposes Prometheus metrics');

      // A partner client, registered from the command line straight into identity's event store.
      const registerClient = async (id: string, scopes = 'users:write,users:read,accounts:manage') => {
        const cli = startService('client-register', envOf('identity'), 'services/embedded/src/registerClientCli.ts', [
          '--name',
          id,
          '--id',
          id,
          '--scopes',
          scopes,
        ]);
        await cli.exited;
        const secret = /client_secret:\s+(\S+)/.exec(cli.output.join(''))?.[1];
        if (!secret) throw new Error(`client registration failed: ${cli.output.join('')}`);
        return { id, secret };
      };
      const tokenFor = (client: { id: string; secret: string }) =>
        eventually(
          `a token for ${client.id}`,
          async () => {
            const response = await fetch(`${api}/oauth/token`, {
              method: 'POST',
              body: 'grant_type=client_credentials',
              headers: {
                authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
                'content-type': 'application/x-www-form-urlencoded',
              },
            });
            return response.ok ? ((await response.json()) as { access_token: string }).access_token : undefined;
          },
          60_000,
          200,
        );
      const token = await tokenFor(await registerClient('partner-one'));
      const call = async (method: string, route: string, body?: unknown, bearer = token) => {
        const response = await fetch(`${api}${route}`, {
          method,
          headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        // Bodies are read loosely, the way a test reads JSON, asserting on what matters.
        return {
          status: response.status,
          body: (await response.json()) as { success: boolean; errorCode: number; data: Record<string, LooseJson> },
        };
      };
      const outbox = () => {
        const file = path.join(dir, 'notifier', 'sms-outbox.jsonl');
        return existsSync(file)
          ? readFileSync(file, 'utf8')
              .trim()
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as { to: string; text: string })
          : [];
      };
      // Code messages start with the code; the password-changed notice does not.
      const codesTo = (phone: string) =>
        outbox()
          .filter((sms) => sms.to === phone && /^\d/.test(sms.text))
          .map((sms) => /^(\d+)/.exec(sms.text)?.[1] ?? '');
      const noticesTo = (phone: string) => outbox().filter((sms) => sms.to === phone && !/^\d/.test(sms.text));
      const nextCode = (phone: string, seen: number) =>
        eventually(`an SMS to ${phone.slice(0, 4)}…`, async () => codesTo(phone)[seen], 30_000, 50);

      // The whole flow.
      const user = {
        email: `dist.${randomUUID().slice(0, 8)}@example.com`,
        phoneNumber: `+3361${String(Date.now()).slice(-7)}`,
        password: 'distributed passphrase 1',
      };
      const signUp = await call('POST', '/v1/user/sign-up', user);
      t.equal(signUp.status, 200, 'sign-up through Kafka');
      const login = await call('POST', '/v1/user/login', { username: user.email, password: user.password });
      t.equal(login.status, 200, 'login');
      const code = await nextCode(user.phoneNumber, 0);
      const otp = await call('POST', '/v1/user/otp', {
        sessionId: login.body.data.sessionId,
        username: user.email,
        challengeType: 'SMS_OTP',
        code,
      });
      t.equal(otp.status, 200, 'the code from the SMS opens a session');
      const me = await call('GET', '/v1/user/me', undefined, otp.body.data.accessToken);
      t.equal(me.status, 200, 'me from the MongoDB read model');
      t.match(me.body.data, { email: user.email, phoneVerified: true });
      const refreshed = await call('POST', '/v1/user/refresh', {
        username: user.email,
        refreshToken: otp.body.data.refreshToken,
      });
      t.equal(refreshed.status, 200, 'refresh rotates');
      t.equal(
        (await call('POST', '/v1/user/refresh', { username: user.email, refreshToken: otp.body.data.refreshToken }))
          .status,
        401,
        'the old refresh token fails',
      );
      const reset = await call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
      const resetCode = await nextCode(user.phoneNumber, 1);
      const newPassword = 'distributed passphrase 2';
      t.equal(
        (
          await call('PUT', '/v1/user/change-password', {
            sessionId: reset.body.data.sessionId,
            username: user.email,
            challengeType: 'SMS_OTP',
            password: newPassword,
            passwordConfirm: newPassword,
          })
        ).status,
        200,
      );
      t.equal(
        (
          await call('POST', '/v1/user/otp', {
            sessionId: reset.body.data.sessionId,
            username: user.email,
            challengeType: 'SMS_OTP',
            code: resetCode,
          })
        ).status,
        200,
        'the reset code commits the password',
      );
      t.equal(
        (await call('POST', '/v1/user/login', { username: user.email, password: user.password })).status,
        401,
        'the old password fails',
      );
      await eventually(
        'the password-changed SMS',
        async () => (noticesTo(user.phoneNumber).length === 1 ? true : undefined),
        30_000,
        50,
      );
      t.match(
        noticesTo(user.phoneNumber)[0]?.text,
        /mot de passe/,
        'the user is told, in French for a French number, that the password changed',
      );
      t.equal(
        (await call('POST', '/v1/user/login', { username: user.email, password: newPassword })).status,
        200,
        'the new password works',
      );
      await nextCode(user.phoneNumber, 2);

      // The notifier dies; codes issued meanwhile are sent once it is back, and none twice.
      const killed = services.notifier!;
      await stopService(killed, 'SIGKILL');
      const issuedWhileDown = 3;
      for (let index = 0; index < issuedWhileDown; index += 1) {
        t.equal(
          (await call('POST', '/v1/user/login', { username: user.email, password: newPassword })).status,
          200,
          `login ${index + 1} while the notifier is down`,
        );
      }
      start('notifier');
      await nextCode(user.phoneNumber, 3 + issuedWhileDown - 1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const codes = codesTo(user.phoneNumber);
      t.equal(codes.length, 3 + issuedWhileDown, 'every code was delivered, none twice');
      t.same(codes, [...new Set(codes)], 'each SMS carries its own code');

      // Kafka restarts; an event stored while it is down (a new client) still reaches the read model.
      kafka.stop();
      const lateClient = await registerClient('partner-two');
      kafka.start();
      const lateToken = await tokenFor(lateClient);
      t.ok(lateToken, 'the event written while Kafka was down was relayed and projected');
      // One user's events keep their order, so once every code asked for has arrived, the last one is the newest session's.
      let codesAskedFor = codes.length;
      await eventually(
        'the flow to work again after the Kafka restart',
        async () => {
          const response = await call('POST', '/v1/user/login', { username: user.email, password: newPassword });
          if (response.status !== 200) return undefined;
          codesAskedFor += 1;
          return response;
        },
        90_000,
        500,
      );
      const after = await call('POST', '/v1/user/login', { username: user.email, password: newPassword });
      codesAskedFor += 1;
      await eventually(
        'every code asked for after the restart',
        async () => (codesTo(user.phoneNumber).length >= codesAskedFor ? true : undefined),
        30_000,
        50,
      );
      // A login whose answer was lost in the outage may have sent a code too: let the outbox settle before taking the last.
      let seen = -1;
      await eventually(
        'the outbox to settle',
        async () => {
          const count = codesTo(user.phoneNumber).length;
          const settled = count === seen;
          seen = count;
          return settled ? true : undefined;
        },
        30_000,
        1000,
      );
      const codeAfter = codesTo(user.phoneNumber).at(-1) ?? '';
      const session = await call('POST', '/v1/user/otp', {
        sessionId: after.body.data.sessionId,
        username: user.email,
        challengeType: 'SMS_OTP',
        code: codeAfter,
      });
      t.equal(session.status, 200, 'the flow completes after recovery');

      const logs = allOutput();
      const secrets = [
        user.password,
        newPassword,
        code,
        resetCode,
        ...codesTo(user.phoneNumber),
        otp.body.data.accessToken,
        otp.body.data.refreshToken,
        refreshed.body.data.accessToken,
        refreshed.body.data.refreshToken,
        session.body.data.accessToken,
        session.body.data.refreshToken,
      ];
      const personal = [user.email, user.phoneNumber, user.phoneNumber.slice(1)];
      for (const secret of [...secrets, ...personal]) {
        t.notOk(logs.includes(secret), 'no service logged a password, code, token, email or phone number');
      }

      // After the account step, over Kafka and MongoDB: KYC approved by a signed callback, then portfolios.
      const userToken: string = session.body.data.accessToken;
      const profile = async () => (await call('GET', '/v1/user/me', undefined, userToken)).body.data;
      const mainAccount: string = (await profile()).accounts[0].accountId;
      t.equal(
        (await call('POST', '/v1/portfolio', { accountId: mainAccount, name: 'Main' })).body.errorCode,
        3300,
        'no portfolio before KYC',
      );
      const kyc = await call('GET', '/v1/kyc/start', undefined, userToken);
      t.equal(kyc.status, 200, 'identity asked the KYC provider');
      const verdict = JSON.stringify({ identificationId: kyc.body.data.identificationId, status: 'APPROVED' });
      const postVerdict = () => {
        const timestamp = Math.floor(Date.now() / 1000);
        return fetch(`${api}/v1/kyc/callback`, {
          method: 'POST',
          body: verdict,
          headers: {
            'content-type': 'application/json',
            'x-tessera-timestamp': String(timestamp),
            'x-tessera-signature': signKycCallback(kycSecret, timestamp, verdict),
          },
        });
      };
      // The identification reaches the read model the callback reads through Kafka; a provider retries until it is known.
      const approvedCallback = await eventually(
        'the KYC callback to be accepted',
        async () => ((await postVerdict()).status === 200 ? true : undefined),
        30_000,
        200,
      );
      t.ok(approvedCallback, 'the signed verdict is accepted');
      await eventually(
        'the approval in the user view',
        async () => ((await profile()).kycStatus === 'APPROVED' ? true : undefined),
        30_000,
        100,
      );
      const firstPortfolio = await call('POST', '/v1/portfolio', { accountId: mainAccount, name: 'Main' });
      const secondPortfolio = await call('POST', '/v1/portfolio', { accountId: mainAccount, name: 'Savings' });
      t.match(firstPortfolio.body.data, { portfolioAccountType: 'TRADING' }, 'the first portfolio is TRADING');
      t.match(secondPortfolio.body.data, { portfolioAccountType: 'STANDARD' });
      t.same(
        (await profile()).portfolios.map((portfolio: { name: string }) => portfolio.name),
        ['Main', 'Savings'],
        'me shows both, from MongoDB',
      );

      // Strong customer authentication across the services: a withdrawal confirmed by an SMS that states it.
      const withdrawal = { amount: '250.00', currency: 'EUR', destination: 'FR7630006000011234567890189' };
      const smsBefore = outbox().filter((sms) => sms.to === user.phoneNumber).length;
      const stepUp = await call(
        'POST',
        '/v1/user/step-up',
        { password: newPassword, action: 'WITHDRAW', transaction: withdrawal },
        userToken,
      );
      t.equal(stepUp.status, 200, 'step-up asked through Kafka');
      const stepUpSms = await eventually(
        'the step-up SMS',
        async () => outbox().filter((sms) => sms.to === user.phoneNumber)[smsBefore],
        30_000,
        50,
      );
      t.match(stepUpSms.text, /(withdraw|retirer) 250 EUR (to|vers) …0189/, 'its SMS states the withdrawal');
      const stepUpCode = /code (\d+)/.exec(stepUpSms.text)?.[1] ?? '';
      const verified = await call('POST', '/v1/user/otp', {
        sessionId: stepUp.body.data.sessionId,
        username: user.email,
        challengeType: 'SMS_OTP',
        code: stepUpCode,
      });
      t.equal(verified.status, 200, 'its code answers a step-up token');
      const stepUpToken: string = verified.body.data.stepUpToken;
      const consumeBody = { stepUpToken, action: 'WITHDRAW', transaction: withdrawal };
      t.equal((await call('POST', '/v1/step-up/consume', consumeBody)).status, 200, 'the payment service consumes it');
      t.equal(
        (await call('POST', '/v1/step-up/consume', consumeBody)).body.errorCode,
        3402,
        'once: STEP_UP_TOKEN_ALREADY_USED',
      );
      secrets.push(stepUpCode, stepUpToken);
      personal.push(withdrawal.destination);

      // The canary over the shared infrastructure: no secret on any topic or in any collection, and
      // email and phone only in the users view, which /v1/user/me answers from.
      const databases = [database, `${database}_notifier`, `${database}_keys`];
      const topicsBefore = await kafkaContents(kafka.brokers);
      t.ok(
        Object.keys(topicsBefore).includes('identity.events.v1') &&
          Object.keys(topicsBefore).includes('identity.commands.v1'),
        'the search covers the event and command topics',
      );
      for (const [topic, text] of Object.entries(topicsBefore)) {
        t.notOk(
          secrets.some((secret) => text.includes(secret)),
          `${topic} holds no password, code or token`,
        );
        t.notOk(
          personal.some((value) => text.includes(value)),
          `${topic} holds no email or phone number`,
        );
      }
      const documentsBefore = await mongoContents(mongoUrl, databases);
      for (const [collection, text] of Object.entries(documentsBefore)) {
        t.notOk(
          secrets.some((secret) => text.includes(secret)),
          `${collection} holds no password, code or token`,
        );
        const holdsPersonal = personal.some((value) => text.includes(value));
        t.equal(
          holdsPersonal,
          collection === `${database}.view_users`,
          `${collection} ${holdsPersonal ? 'holds' : 'does not hold'} the email and phone`,
        );
      }

      // Erasure across processes: identity destroys the key in MongoDB, the projector scrubs the view.
      const userId: string = otp.body.data.userId;
      const erased = await call('POST', `/v1/admin/users/${userId}/erase-personal-data`);
      t.equal(erased.status, 200, 'an account manager erases the user');
      t.equal(
        (await call('GET', '/v1/user/me', undefined, session.body.data.accessToken)).status,
        401,
        'their session ends at once',
      );
      const documentsAfter = await mongoContents(mongoUrl, databases);
      t.notOk(
        Object.values(documentsAfter).some((text) => personal.some((value) => text.includes(value))),
        'no collection holds the email or phone any more',
      );
      const events = (await kafkaContents(kafka.brokers))['identity.events.v1'] ?? '';
      const registeredLine =
        events.split('\n').find((line) => line.includes('"UserRegistered"') && line.includes(userId)) ?? '';
      const registered = JSON.parse(registeredLine.split('|')[1] ?? '{}') as {
        type: string;
        data: Record<string, unknown>;
      };
      const keyStore = await createMongoKeyStore({ url: mongoUrl, database: `${database}_keys` });
      t.teardown(() => keyStore.close());
      const protector = createPersonalDataProtector({
        keyStore,
        keyEncryptionKey: deriveKeyEncryptionKey(loadKeyring(keysFile).hashingKey),
      });
      t.match(
        await protector.reveal(registered.type, registered.data),
        { erased: true, data: { email: '', phoneNumber: '' } },
        'the registration still on Kafka no longer opens, even with the keyring',
      );
    },
  );
}
