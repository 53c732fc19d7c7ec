/**
 * The user stream's decider as a whole: each command goes to the decider of
 * its seam, and a stream that holds no user gets one answer per command,
 * decided in one place, the answer a stranger's guess gets.
 */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import type { UserCommand } from '../src/domain/userDecider.ts';
import {
  clientId,
  loginCommand,
  now,
  otp,
  registered,
  userId,
  userSpecification as user,
  verifyCommand,
} from './mothers.ts';

const commandsAndAnswersWithoutUser: Array<[Exclude<UserCommand, { type: 'RegisterUser' }>, string]> = [
  [loginCommand(true), 'INVALID_CREDENTIALS'],
  [verifyCommand('s1'), 'INVALID_CREDENTIALS'],
  [{ type: 'ResendOtp', sessionId: 's1', otp: otp(), cooldownSeconds: 30, now }, 'OTP_INVALID'],
  [{ type: 'StartPasswordReset', sessionId: 'r1', otp: otp(), now }, 'INVALID_CREDENTIALS'],
  [{ type: 'StagePasswordChange', sessionId: 'r1', passwordHash: 'new', now }, 'INVALID_CREDENTIALS'],
  [
    {
      type: 'RecordSmsOutcome',
      outcome: {
        type: 'SmsDispatched',
        sourceEventId: 'e1',
        purpose: 'OTP',
        provider: 'plivo',
        providerMessageId: 'm1',
      },
    },
    'USER_NOT_FOUND',
  ],
  [
    { type: 'RefreshSession', presentedTokenHash: 'a', newRefreshTokenHash: 'b', now, clientId },
    'REFRESH_TOKEN_INVALID',
  ],
  [{ type: 'Logout', familyId: 'f1' }, 'UNAUTHENTICATED'],
  [{ type: 'ErasePersonalData', erasedAt: now }, 'USER_NOT_FOUND'],
  [{ type: 'OpenAccount', accountId: 'sub' }, 'USER_NOT_FOUND'],
  [{ type: 'StartKyc', identificationId: 'k1', provider: 'dev', maxAttempts: 3 }, 'USER_NOT_FOUND'],
  [{ type: 'RecordKycVerdict', identificationId: 'k1', status: 'APPROVED' }, 'USER_NOT_FOUND'],
  [{ type: 'ActivateAccount', accountId: 'main', note: 'x', activatedBy: 'acme' }, 'USER_NOT_FOUND'],
  [
    { type: 'CreatePortfolio', accountId: 'main', portfolioId: 'p1', name: 'Main', publicAddress: 'addr' },
    'USER_NOT_FOUND',
  ],
];

t.test(
  'a stream with no user answers each command the way a stranger guessing is answered, and records nothing',
  async (t) => {
    for (const [command, answer] of commandsAndAnswersWithoutUser) {
      user(t).given([]).when(command).thenRejects(answer, [], `${command.type} is refused with ${answer}`);
    }
  },
);

t.test('an erased user is no user, except that an SMS report or a second erasure has nothing left to do', async (t) => {
  const erased: IdentityEvent[] = [registered(), { type: 'PersonalDataErased', data: { userId, erasedAt: now } }];
  for (const [command, answer] of commandsAndAnswersWithoutUser) {
    const { decision } = user(t).given(erased).when(command);
    const expected =
      command.type === 'RecordSmsOutcome' || command.type === 'ErasePersonalData'
        ? { events: [] }
        : { events: [], rejection: { error: answer } };
    t.same(decision, expected, `${command.type} after the erasure`);
  }
});
