/**
 * What a fuzz run needs beside the document: a signed-up user with live
 * logins, an open login challenge and a reset session, whose details go into
 * the hints so that some generated cases reach identity instead of stopping
 * at validation; and the check that the log holds only lines the logger wrote.
 */
import { defaultGatewayConfig } from '@tessera/gateway';
import type { FuzzContext } from './openApiFuzz.ts';
import { FORGED_MARKER, PROTOTYPE_KEYS } from './schemaArbitrary.ts';
import { DEV_CLIENT, newUser, type TestServer } from './testServer.ts';

async function expectOk(response: Promise<{ status: number; body: { data: Record<string, string> } }>, what: string) {
  const { status, body } = await response;
  if (status !== 200) throw new Error(`${what} failed: ${status} ${JSON.stringify(body)}`);
  return body.data;
}

export async function fuzzContext(server: TestServer): Promise<FuzzContext> {
  const user = newUser();
  await expectOk(server.call('POST', '/v1/user/sign-up', { body: user }), 'sign-up');
  const challenge = async (who = user) => {
    const before = server.countSentTo(who.phoneNumber);
    const { sessionId = '' } = await expectOk(
      server.call('POST', '/v1/user/login', { body: { username: who.email, password: who.password } }),
      'login',
    );
    return { sessionId, code: await server.nextCode(who.phoneNumber, before) };
  };
  const signIn = async (who = user) => {
    const { sessionId, code } = await challenge(who);
    const tokens = await expectOk(
      server.call('POST', '/v1/user/otp', {
        body: { sessionId, username: who.email, challengeType: 'SMS_OTP', code },
      }),
      'code',
    );
    return { accessToken: tokens.accessToken ?? '', refreshToken: tokens.refreshToken ?? '' };
  };
  // One login per use: logging out, or a refresh token presented twice, ends only its own login.
  const forMe = await signIn();
  const forLogout = await signIn();
  const forRefresh = await signIn();
  const open = await challenge();
  const { sessionId: resetSession = '' } = await expectOk(
    server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`),
    'forget-password',
  );
  // Ending sessions ends a user's other logins: those routes get users of their own, so the logins above live on.
  const sessions = await sessionsFixture(server, signIn);
  return {
    url: server.url,
    clientToken: await server.clientToken(),
    userTokens: {
      'GET /v1/user/me': forMe.accessToken,
      'POST /v1/user/logout': forLogout.accessToken,
      ...sessions.userTokens,
    },
    bodyLimitBytes: defaultGatewayConfig.bodyLimitBytes,
    hints: {
      username: [user.email, user.email.toUpperCase(), 'nobody@example.com'],
      email: [user.email, 'nobody@example.com'],
      password: [user.password],
      passwordConfirm: [user.password],
      phoneNumber: [user.phoneNumber],
      sessionId: [open.sessionId, resetSession, sessions.listedSessionId, ...PROTOTYPE_KEYS],
      refreshToken: [forRefresh.refreshToken],
      code: [open.code, '0000'],
      grant_type: ['client_credentials'],
      client_id: [DEV_CLIENT.clientId],
      client_secret: [DEV_CLIENT.secret],
      scope: ['users:write', 'users:read accounts:manage', 'admin'],
    },
  };
}

/** A user whose sessions are listed and ended one by one, another who ends all the others, and a session id to end. */
async function sessionsFixture(
  server: TestServer,
  signIn: (who: ReturnType<typeof newUser>) => Promise<{ accessToken: string }>,
) {
  const [listing, endingOthers] = [newUser(), newUser()];
  for (const who of [listing, endingOthers])
    await expectOk(server.call('POST', '/v1/user/sign-up', { body: who }), 'sign-up');
  const forSessions = await signIn(listing);
  const toEnd = await signIn(listing);
  const listed = await server.call('GET', '/v1/user/sessions', { token: toEnd.accessToken });
  const current = (listed.body.data.sessions as Array<{ sessionId: string; current: boolean }>).find(
    (session) => session.current,
  );
  return {
    userTokens: {
      'GET /v1/user/sessions': forSessions.accessToken,
      'DELETE /v1/user/sessions/{sessionId}': forSessions.accessToken,
      'POST /v1/user/sessions/revoke-others': (await signIn(endingOthers)).accessToken,
    },
    listedSessionId: current?.sessionId ?? '',
  };
}

/**
 * Lines in the captured log that the logger did not write as they stand: a
 * write that is not exactly one line, a line that is not a JSON object with
 * the logger's fields, a raw carriage return, or a line a caller forged.
 */
export function logLineProblems(logs: string[]): string[] {
  const problems: string[] = [];
  for (const write of logs) {
    const lines = write.endsWith('\n') ? write.slice(0, -1).split('\n') : [write];
    if (lines.length !== 1 || !write.endsWith('\n'))
      problems.push(`a write that is not one line: ${JSON.stringify(write.slice(0, 200))}`);
    for (const line of lines) {
      if (line.includes('\r')) problems.push(`a raw carriage return: ${JSON.stringify(line.slice(0, 200))}`);
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        problems.push(`a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
        continue;
      }
      const fields = entry as { level?: unknown; time?: unknown; msg?: unknown };
      if (
        typeof entry !== 'object' ||
        entry === null ||
        typeof fields.level !== 'number' ||
        typeof fields.time !== 'string'
      ) {
        problems.push(`a line without the logger's fields: ${line.slice(0, 200)}`);
      } else if (Object.hasOwn(entry, FORGED_MARKER) || fields.msg === FORGED_MARKER) {
        problems.push(`a forged line: ${line.slice(0, 200)}`);
      }
    }
  }
  return problems;
}
