/**
 * One story told by every example of the OpenAPI document: Ada signs up,
 * logs in, answers her code, resets her password, passes KYC and opens
 * portfolios. The same ids and values appear wherever one call feeds the next,
 * so Try-it-out and the document's links read as one flow.
 */
export const example = {
  userId: '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45',
  clientId: 'acme-bank',
  mainAccountId: '0f3e9a12-7b6d-4e51-a8c2-3d9f5b1e6a70',
  subAccountId: 'a4d2c6e8-1b3f-4a5c-9e7d-2f8b0c6a4e19',
  tradingPortfolioId: '8e1b5d3f-6c2a-4f9e-b7d1-0a3c5e7f9b24',
  loginSessionId: 'e2c4a6b8-0d1f-4e3a-9c5b-7d9f1a3c5e67',
  resetSessionId: '3d5f7b9c-1e2a-4c6d-8f0b-5a7c9e1d3f42',
  identificationId: 'dev-7c9e1a3b-5d7f-4b2c-9e4a-6f8d0b2c4e61',
  email: 'ada@example.com',
  phoneNumber: '+33612345678',
  maskedPhoneNumber: '+33******78',
  newPhoneNumber: '+33687654321',
  maskedNewPhoneNumber: '+33******21',
  phoneNumberChangeSessionId: '6f1c2a9e-4b7d-4e35-9a0c-2d8e5f7b1c34',
  password: 'correct horse battery',
  newPassword: 'a brand new passphrase',
  code: '4821',
  recoveryCode: 'k7m2q-x9fh4',
  accessToken:
    'eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYtMTEtMjYifQ.eyJ0b2tlbl91c2UiOiJ1c2VyIiwic3ViIjoiNWI3YzFmOWUifQ.3q2-7wXmYk1c9ZV0bq4nU2sP8rT5vL7hJ1dF3gA6eC9',
  clientAccessToken:
    'eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYtMTEtMjYifQ.eyJ0b2tlbl91c2UiOiJjbGllbnQiLCJzdWIiOiJhY21lLWJhbmsifQ.Kp4-Zr8Xw2Lm6Nq0Bv3Cx7Ty1Us5Hg9Jf2Dk4Ea8Wc1',
  refreshToken: '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45.Yt3kP9wQ2mX7vL4nB8cR1sD6fH0jG5aZ2eU9iO3uK7q',
  rotatedRefreshToken: '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45.Lm8nB2vC6xZ0aS4dF7gH1jK5qW9eR3tY7uI2oP6zX4c',
  publicAddress: '7Np41oeZdDxWfDAoj8SXXHyaAMaJYmbYDoNsMLkp2mJ6',
  idempotencyKey: '6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c',
  correlationId: 'partner-req-20261126-0001',
  openedAt: '2026-11-26T09:14:03.512Z',
  activatedAt: '2026-11-26T09:31:47.208Z',
  createdAt: '2026-11-26T09:33:12.930Z',
  stepUpSessionId: '9a1c3e5f-7b2d-4f6a-8c0e-2d4f6b8a0c13',
  stepUpTokenId: 'c7e9a1b3-5d6f-4a8c-9e0b-1f3a5c7e9b24',
  withdrawal: { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' },
  stepUpToken:
    'eyJhbGciOiJFZERTQSIsInR5cCI6InN0ZXAtdXArand0Iiwia2lkIjoiMjAyNi0xMS0yNiJ9.eyJzdWIiOiI1YjdjMWY5ZSIsImFjdGlvbiI6IldJVEhEUkFXIn0.Vb5-Qm2Xr7Lk1Nz4Cw8Ty3Ud6Hf0Js9Ge5Da2Bp7Rn4',
  /** Refresh-token families: the `sessionId` of the sessions list. */
  loginFamilyId: '019ac3f2-5e8b-7d41-a6c9-2b4e8f1d3a70',
  otherLoginFamilyId: '019ac3f9-0c2d-7a85-b3e1-6f9d4c2a8e15',
  deviceId: '4f1c2a9e-5b7d-4e36-9a0b-2d8c6e1f3a57',
  /** Ada's passkey on her phone (WebAuthn, base64url as the browser gives it). */
  passkeyCredentialId: 'nB5rSi99PopbDB0uP0BRYg',
  passkeyChallenge: 'yMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5uc',
  passkeyRegistration: {
    clientDataJSON:
      'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiTVRjMk5ERTBPRFEwTXk1a05HWTNZVGxqTW1JeFpUTSIsIm9yaWdpbiI6Imh0dHBzOi8vYXBwLmFjbWUtYmFuay5leGFtcGxlIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ',
    attestationObject:
      'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVkAlDfIEr2afWsicm511d9kqnTmivtNPStz_yRwVaMZOVuNRQAAAAAAAAAAAAAAAAAAAAAAAAAAABCcHmtKL30-ilsMHS4_QFFipQECAyYgASFYIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fIlggICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8',
  },
  passkeyAssertion: {
    clientDataJSON:
      'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoicTNiOVhrMkxtVjdjUjFzRDZmSDBqRzVhWjJlVTlpTzN1SzdxWXQza1A5dyIsIm9yaWdpbiI6Imh0dHBzOi8vYXBwLmFjbWUtYmFuay5leGFtcGxlIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ',
    authenticatorData: 'N8gSvZp9ayJybnXV32SqdOaK-009K3P_JHBVoxk5W40FAAAABw',
    signature: 'MEUCIQBkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCgwIgjI2Oj5CRkpOUlZaXmJmam5ydnp-goaKjpKWmp6ipqqs',
    userHandle: 'W3wfni1KTI6fMWoNLot8RQ',
  },
} as const;
