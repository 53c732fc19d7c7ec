/**
 * Emails compare case-insensitively: `Ada@Example.com` and `ada@example.com`
 * are one user. Identity stores and looks users up by this form; the gateway
 * keys partitions and rate limits by it, so one email is one count.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
