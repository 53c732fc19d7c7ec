/**
 * Real login sessions for the OTP, refresh and me runs: users signed up and
 * logged in several times each on the session server, every code read back
 * from its dev SMS outbox, and some sessions verified into token families.
 */
import { call, type BenchServer } from './server.ts';
import { pool, type User } from './users.ts';

export interface Session {
  username: string;
  /** The user's phone and password: a step-up needs both. */
  phoneNumber: string;
  password: string;
  sessionId: string;
  code: string;
}

export interface Family {
  username: string;
  phoneNumber: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** Logins per user: a user's codes go to one phone, in the order of its sessions. */
export const LOGINS_PER_USER = 4;

/** Signs `users` up and logs each in LOGINS_PER_USER times; returns each user's session ids in order. */
async function logIn(server: BenchServer, bearer: string, users: User[]): Promise<string[][]> {
  await pool(users, 16, async (user) => {
    const response = await call(server.url, '/v1/user/sign-up', bearer, user);
    if (response.status !== 200)
      throw new Error(`sign-up answered ${response.status}: ${JSON.stringify(response.body)}`);
  });
  // Logins of one user in order, so the n-th code to a phone is its n-th session's.
  return pool(users, 16, async (user) => {
    const ids: string[] = [];
    for (let index = 0; index < LOGINS_PER_USER; index += 1) {
      const response = await call(server.url, '/v1/user/login', bearer, {
        username: user.email,
        password: user.password,
      });
      if (response.status !== 200)
        throw new Error(`login answered ${response.status}: ${JSON.stringify(response.body)}`);
      ids.push(response.body.data.sessionId as string);
    }
    return ids;
  });
}

/** The codes each phone received, oldest first, once `expected` have reached the outbox (or a minute passed). */
async function codesByPhone(server: BenchServer, expected: number): Promise<Map<string, string[]>> {
  const deadline = Date.now() + 60_000;
  let outbox = server.outbox();
  while (outbox.length < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    outbox = server.outbox();
  }
  const codes = new Map<string, string[]>();
  for (const sms of outbox) {
    const code = /^(\d+)/.exec(sms.text)?.[1];
    if (code) codes.set(sms.to, [...(codes.get(sms.to) ?? []), code]);
  }
  return codes;
}

/** Sessions of `users`, each with its code. */
export async function prepareSessions(server: BenchServer, bearer: string, users: User[]): Promise<Session[]> {
  const sessionIds = await logIn(server, bearer, users);
  const codes = await codesByPhone(server, users.length * LOGINS_PER_USER);
  const sessions: Session[] = [];
  // Round by round, so requests side by side are for different users, as in real traffic: one person
  // answers one code at a time, and a user's commands are (rightly) handled one after another.
  for (let index = 0; index < LOGINS_PER_USER; index += 1) {
    users.forEach((user, userIndex) => {
      const code = (codes.get(user.phoneNumber) ?? [])[index];
      const sessionId = sessionIds[userIndex]![index];
      if (code && sessionId)
        sessions.push({
          username: user.email,
          phoneNumber: user.phoneNumber,
          password: user.password,
          sessionId,
          code,
        });
    });
  }
  return sessions;
}

/** Token families for refresh and me: sessions verified one by one. */
export function verifyIntoFamilies(server: BenchServer, bearer: string, sessions: Session[]): Promise<Family[]> {
  return pool(sessions, 8, async (session): Promise<Family> => {
    const response = await call(server.url, '/v1/user/otp', bearer, {
      sessionId: session.sessionId,
      username: session.username,
      challengeType: 'SMS_OTP',
      code: session.code,
    });
    if (response.status !== 200) throw new Error(`otp answered ${response.status}: ${JSON.stringify(response.body)}`);
    return {
      username: session.username,
      phoneNumber: session.phoneNumber,
      password: session.password,
      accessToken: response.body.data.accessToken,
      refreshToken: response.body.data.refreshToken,
    };
  });
}
