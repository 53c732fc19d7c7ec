/**
 * The error catalogue: every error a caller can see, with a stable numeric
 * code, its HTTP status and a message that reveals no secret and does not say
 * whether an email, phone number or user exists. Codes are never reused.
 * 400 means the request breaks its schema (the OpenAPI document states every
 * rule it checks); a rule no schema can state (a breached password, two
 * fields that must match, the state of a session) answers 422, 403 or 409.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { errorCode: 1000, status: 400, message: 'The request is not valid.' },
  BODY_TOO_LARGE: { errorCode: 1001, status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { errorCode: 1002, status: 415, message: 'The request content type is not supported.' },
  ROUTE_NOT_FOUND: { errorCode: 1003, status: 404, message: 'No such endpoint.' },
  MALFORMED_BODY: { errorCode: 1004, status: 400, message: 'The request body could not be parsed.' },
  METHOD_NOT_ALLOWED: { errorCode: 1005, status: 405, message: 'This method is not allowed on this endpoint.' },
  IDEMPOTENCY_KEY_REUSED: {
    errorCode: 1006,
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    errorCode: 1007,
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  HEADERS_TOO_LARGE: { errorCode: 1008, status: 431, message: 'The request line or headers are too large.' },
  REQUEST_TIMEOUT: { errorCode: 1009, status: 408, message: 'The request did not arrive in time.' },
  URI_TOO_LONG: { errorCode: 1010, status: 414, message: 'The request URI or one of its path parameters is too long.' },
  INVALID_TEXT_ENCODING: {
    errorCode: 1011,
    status: 400,
    message: 'The request text must be valid UTF-8, with no unpaired surrogates.',
  },

  UNAUTHENTICATED: { errorCode: 2000, status: 401, message: 'A valid access token is required.' },
  INSUFFICIENT_SCOPE: { errorCode: 2001, status: 403, message: 'The access token does not allow this call.' },
  WRONG_TOKEN_TYPE: { errorCode: 2002, status: 403, message: 'This call needs a different kind of access token.' },
  WEBHOOK_SIGNATURE_INVALID: { errorCode: 2003, status: 403, message: 'The request signature is missing or wrong.' },
  WEBHOOK_STALE: {
    errorCode: 2004,
    status: 403,
    message: 'The request timestamp is missing or outside the accepted window.',
  },
  WEBHOOK_REPLAYED: { errorCode: 2005, status: 409, message: 'This request was already received.' },

  INVALID_CREDENTIALS: { errorCode: 3000, status: 401, message: 'The username or password is incorrect.' },
  REGISTRATION_CONFLICT: { errorCode: 3001, status: 409, message: 'An account cannot be created with these details.' },
  ROLE_NOT_ALLOWED: { errorCode: 3002, status: 403, message: 'One of the requested roles cannot be granted.' },
  PASSWORD_POLICY: { errorCode: 3003, status: 400, message: 'The password must be 8 to 128 characters long.' },
  PASSWORD_MISMATCH: { errorCode: 3004, status: 422, message: 'The password and its confirmation differ.' },
  INVALID_PHONE_NUMBER: {
    errorCode: 3005,
    status: 400,
    message: 'The phone number must be a mobile number in E.164 format, such as +33612345678.',
  },
  INVALID_EMAIL: { errorCode: 3006, status: 400, message: 'The email address is not valid.' },
  PASSWORD_BREACHED: {
    errorCode: 3007,
    status: 422,
    message: 'This password is too common: it appears in lists of breached passwords. Choose another.',
  },

  OTP_INVALID: { errorCode: 3100, status: 401, message: 'The code is incorrect.' },
  OTP_EXPIRED: { errorCode: 3101, status: 401, message: 'The code has expired; start again to get a new one.' },
  OTP_ALREADY_USED: { errorCode: 3102, status: 401, message: 'The code has already been used.' },
  OTP_ATTEMPTS_EXHAUSTED: {
    errorCode: 3103,
    status: 401,
    message: 'Too many wrong codes; start again to get a new one.',
  },
  OTP_RESEND_TOO_SOON: {
    errorCode: 3104,
    status: 429,
    message: 'A code was sent moments ago; wait before asking again.',
  },
  CHALLENGE_TYPE_MISMATCH: { errorCode: 3105, status: 422, message: 'The challenge type does not match the session.' },
  PASSWORD_NOT_STAGED: { errorCode: 3106, status: 422, message: 'Set the new password before confirming the code.' },
  SESSION_NOT_RESETTABLE: { errorCode: 3107, status: 422, message: 'This session cannot change the password.' },
  ACCOUNT_LOCKED: {
    errorCode: 3108,
    status: 403,
    message: 'Too many wrong codes on this account; reset the password to continue.',
  },
  LOGIN_TEMPORARILY_LOCKED: {
    errorCode: 3109,
    status: 429,
    message: 'Too many failed logins for this username; wait before trying again.',
  },
  PASSKEY_REGISTRATION_INVALID: {
    errorCode: 3110,
    status: 422,
    message: 'The passkey could not be verified: ask for new options and try again.',
  },
  PASSKEY_ALREADY_REGISTERED: { errorCode: 3111, status: 409, message: 'This passkey is already registered.' },
  PASSKEY_NOT_FOUND: { errorCode: 3112, status: 404, message: 'No such passkey.' },
  PASSKEYS_NOT_OFFERED: { errorCode: 3113, status: 422, message: 'This app does not offer passkeys.' },

  ACCOUNT_NOT_ACTIVE: {
    errorCode: 3300,
    status: 409,
    message: "The account is not validated yet: the user's KYC must be approved first.",
  },
  KYC_ALREADY_APPROVED: { errorCode: 3301, status: 409, message: "The user's KYC is already approved." },
  KYC_ATTEMPTS_EXHAUSTED: {
    errorCode: 3302,
    status: 403,
    message: 'No identification attempts are left for this user.',
  },
  KYC_IDENTIFICATION_UNKNOWN: { errorCode: 3303, status: 404, message: 'No such identification.' },
  KYC_VERDICT_CONFLICT: {
    errorCode: 3304,
    status: 409,
    message: 'This identification already has a different verdict.',
  },
  PORTFOLIO_NAME_TAKEN: {
    errorCode: 3305,
    status: 409,
    message: 'The account already has a portfolio with this name.',
  },

  REFRESH_TOKEN_INVALID: { errorCode: 3200, status: 401, message: 'The refresh token is not valid; log in again.' },

  STEP_UP_SESSION_ENDED: {
    errorCode: 3400,
    status: 401,
    message: 'The login this confirmation was asked from has ended; log in again.',
  },
  STEP_UP_TOKEN_INVALID: {
    errorCode: 3401,
    status: 403,
    message: 'The step-up token is not valid for this client.',
  },
  STEP_UP_TOKEN_ALREADY_USED: { errorCode: 3402, status: 409, message: 'The step-up token has already been used.' },
  STEP_UP_TOKEN_EXPIRED: { errorCode: 3403, status: 403, message: 'The step-up token has expired.' },
  STEP_UP_TOKEN_REVOKED: {
    errorCode: 3404,
    status: 403,
    message: 'The step-up token was revoked: its login ended, the password changed or the account is locked.',
  },
  STEP_UP_ACTION_MISMATCH: {
    errorCode: 3405,
    status: 422,
    message: 'The step-up token was issued for another action.',
  },
  STEP_UP_TRANSACTION_MISMATCH: {
    errorCode: 3406,
    status: 422,
    message: 'The step-up token was issued for another transaction.',
  },

  PHONE_NUMBER_TAKEN: {
    errorCode: 3500,
    status: 409,
    message: 'This phone number belongs to another account.',
  },
  PHONE_NUMBER_UNCHANGED: { errorCode: 3501, status: 409, message: 'This is already your phone number.' },
  STEP_UP_COOLING_OFF: {
    errorCode: 3502,
    status: 403,
    message: 'Your phone number changed recently: withdrawals and new beneficiaries wait until the cooling-off ends.',
  },

  USER_NOT_FOUND: { errorCode: 4000, status: 404, message: 'No such user.' },
  ACCOUNT_NOT_FOUND: { errorCode: 4001, status: 404, message: 'No such account.' },
  PORTFOLIO_NOT_FOUND: { errorCode: 4002, status: 404, message: 'No such portfolio.' },
  SESSION_NOT_FOUND: { errorCode: 4003, status: 404, message: 'No such session among your active sessions.' },

  RATE_LIMITED: { errorCode: 5000, status: 429, message: 'Too many requests; try again later.' },

  INTERNAL: { errorCode: 9000, status: 500, message: 'Something went wrong on our side.' },
  DEPENDENCY_UNAVAILABLE: {
    errorCode: 9001,
    status: 503,
    message: 'The service is temporarily unavailable; try again.',
  },
} as const satisfies Record<string, { errorCode: number; status: number; message: string }>;

export type ErrorName = keyof typeof errorCatalogue;

/** An error the gateway turns into the envelope as is. */
export class ApiError extends Error {
  readonly errorCode: number;
  readonly status: number;
  constructor(
    readonly errorName: ErrorName,
    readonly retryAfterSeconds?: number,
  ) {
    const entry = errorCatalogue[errorName];
    super(entry.message);
    this.name = 'ApiError';
    this.errorCode = entry.errorCode;
    this.status = entry.status;
  }
}
