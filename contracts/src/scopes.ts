/** OAuth scopes an API client can hold. */
export const scopes = {
  /** Sign users up, log them in, reset passwords: every call of the account flow. */
  usersWrite: 'users:write',
  /** Read users, accounts and portfolios the client created. */
  usersRead: 'users:read',
  /** Privileged operations such as manual account activation and erasure. */
  accountManager: 'accounts:manage',
} as const;

export const knownScopes: readonly string[] = Object.values(scopes);

/**
 * The scope of every user token: the signed-in user acting on their own account. Not a scope a client can hold,
 * and a user token carries none of its client's scopes.
 */
export const userTokenScope = 'user';
