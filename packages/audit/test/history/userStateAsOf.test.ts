/** Given a user's events, opened as an auditor sees them, then their state at a time. */
import t from 'tap';
import { userStateAsOf, type OpenedEvent } from '../../src/history/userStateAsOf.ts';

const at = (minute: number) => `2026-12-07T10:${String(minute).padStart(2, '0')}:00.000Z`;
const event = (minute: number, type: string, data: Record<string, unknown>): OpenedEvent => ({
  type,
  occurredAt: at(minute),
  data: { userId: 'u1', ...data },
});
const history: OpenedEvent[] = [
  event(0, 'UserRegistered', {
    email: 'ada@example.com',
    phoneNumber: '+33612345678',
    passwordHash: 'x',
    roles: ['USER'],
    clientId: 'acme-bank',
  }),
  event(0, 'AccountOpened', { accountId: 'a1', kind: 'MAIN' }),
  event(1, 'SessionStarted', {
    sessionId: 's1',
    familyId: 'f1',
    refreshTokenHash: 'h',
    expiresAt: '2027-01-01T00:00:00.000Z',
  }),
  event(2, 'KycStarted', { identificationId: 'k1', attempt: 1, provider: 'dev' }),
  event(3, 'KycApproved', { identificationId: 'k1' }),
  event(3, 'AccountActivated', { accountId: 'a1', reason: 'KYC_APPROVED' }),
  event(4, 'PasswordChanged', { sessionId: 's2' }),
  event(4, 'SessionsRevoked', { familyIds: ['f1'], reason: 'PASSWORD_CHANGED' }),
  event(5, 'SessionsRevoked', { familyIds: [], reason: 'PERSONAL_DATA_ERASED' }),
  event(5, 'PersonalDataErased', { erasedAt: at(5) }),
];

t.test('before the password change: one live session, KYC pending', async (t) => {
  t.match(userStateAsOf('u1', history, new Date(at(2))), {
    status: 'PENDING_KYC',
    email: 'ada@example.com',
    kyc: 'PENDING',
    sessions: 1,
    passwordChangedAt: '',
    accounts: ['a1 MAIN PENDING_KYC'],
  });
});

t.test('after it: active, approved, no live session, the change dated', async (t) => {
  t.match(userStateAsOf('u1', history, new Date(at(4))), {
    status: 'ACTIVE',
    kyc: 'APPROVED',
    sessions: 0,
    passwordChangedAt: at(4),
  });
});

t.test('after the erasure: erased, personal fields gone, accounts and KYC still told', async (t) => {
  t.match(userStateAsOf('u1', history, new Date(at(9))), {
    status: 'ERASED',
    erasedAt: at(5),
    email: '[erased]',
    phoneNumber: '[erased]',
    kyc: 'APPROVED',
    accounts: ['a1 MAIN ACTIVE'],
  });
});

t.test('before the user existed: nothing registered', async (t) => {
  t.match(userStateAsOf('u1', history, new Date('2026-12-07T09:00:00.000Z')), { status: 'NOT_REGISTERED' });
});
