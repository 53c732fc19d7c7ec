/** Emails compare case-insensitively: `Ada@Example.com` and `ada@example.com` are one user. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
