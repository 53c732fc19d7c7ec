/**
 * The port to the list of common breached passwords that new passwords are
 * checked against. Entries are held folded (see `foldPassword`): the lookup is
 * case-insensitive on NFC-normalised text.
 */
export interface BreachedPasswordList {
  /** How many distinct (folded) passwords the list holds. */
  readonly size: number;
  /** Whether a password, already folded, is on the list. */
  has(foldedPassword: string): boolean;
}
