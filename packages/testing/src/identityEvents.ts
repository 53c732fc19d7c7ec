/** Valid identity events with every field filled, so a test states only what matters to it. */
import type { EventData, EventOf } from '@tessera/contracts';

/** A code issued at 10:00 on a login session of user `u1`, valid until 10:05, three tries. */
export function otpIssued(overrides: Partial<EventData<'OtpIssued'>> = {}): EventOf<'OtpIssued'> {
  return {
    type: 'OtpIssued',
    data: {
      userId: 'u1',
      sessionId: 's1',
      purpose: 'LOGIN',
      codeHash: 'hash-of-right-code',
      sealedDelivery: 'sealed',
      destinationHint: '+33*******78',
      issuedAt: '2026-01-01T10:00:00.000Z',
      expiresAt: '2026-01-01T10:05:00.000Z',
      maxAttempts: 3,
      ...overrides,
    },
  };
}
