/**
 * Step-up with dynamic linking (PSD2 strong customer authentication): the
 * actions a user confirms with the password and an SMS code, and the one
 * canonical form of the transaction an action names. The gateway, identity and
 * downstream payment services hash the same bytes, so a step-up token's `txn`
 * names exactly one transaction: "150.0" and "150.00" are one amount, any
 * other difference is another transaction.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';

/** A decimal amount: up to 18 digits before the point and 18 after, no sign, no exponent, no leading zeros. */
export const STEP_UP_AMOUNT_PATTERN = '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?$';
/** An ISO 4217 code or a longer asset code: upper-case letters and digits. */
export const STEP_UP_CURRENCY_PATTERN = '^[A-Z0-9]{3,10}$';
export const STEP_UP_DESTINATION_MAX_LENGTH = 200;

type TransactionField = 'amount' | 'currency' | 'destination';

/**
 * Every action a step-up can authorise, with the transaction fields it needs:
 * exactly these, no fewer and no others.
 */
export const stepUpActions = {
  WITHDRAW: { fields: ['amount', 'currency', 'destination'] },
  CONVERT: { fields: ['amount', 'currency', 'destination'] },
  ADD_BENEFICIARY: { fields: ['destination'] },
  /**
   * Changing the phone number with a step-up token in place of the password: the destination is the new number
   * (E.164, normalised), so the SMS sent to the current phone says where the number moves. Identity consumes the
   * token itself (POST /v1/user/phone-number); a payment service has nothing to consume it for.
   */
  CHANGE_PHONE_NUMBER: { fields: ['destination'], consumedByIdentity: true },
  /** Generating a new set of recovery codes (POST /v1/user/recovery-codes): no transaction. Identity consumes it. */
  MANAGE_RECOVERY_CODES: { fields: [], consumedByIdentity: true },
  /** Registering a passkey (POST /v1/user/passkeys): no transaction. Identity consumes it. */
  MANAGE_PASSKEYS: { fields: [], consumedByIdentity: true },
} as const satisfies Record<string, { fields: readonly TransactionField[]; consumedByIdentity?: true }>;

export type StepUpActionName = keyof typeof stepUpActions;

/** Actions a payment service consumes with POST /v1/step-up/consume (the others, identity consumes itself). */
export const paymentStepUpActions = (Object.keys(stepUpActions) as StepUpActionName[]).filter(
  (action) => !('consumedByIdentity' in stepUpActions[action]),
);

export const StepUpAction = Type.Union(
  (Object.keys(stepUpActions) as StepUpActionName[]).map((action) => Type.Literal(action)),
);

/** The transaction a step-up authorises, as a caller states it. */
export const StepUpTransaction = Type.Object(
  {
    amount: Type.Optional(Type.String({ pattern: STEP_UP_AMOUNT_PATTERN, maxLength: 37 })),
    currency: Type.Optional(Type.String({ pattern: STEP_UP_CURRENCY_PATTERN })),
    destination: Type.Optional(Type.String({ minLength: 1, maxLength: STEP_UP_DESTINATION_MAX_LENGTH })),
  },
  { additionalProperties: false },
);
export type StepUpTransaction = Static<typeof StepUpTransaction>;

const amountPattern = new RegExp(STEP_UP_AMOUNT_PATTERN);
const currencyPattern = new RegExp(STEP_UP_CURRENCY_PATTERN);
/** Printable: no control, format, surrogate, private-use or unassigned code point; length in code points. */
const destinationPattern = new RegExp(
  `^[^\\p{Cc}\\p{Cf}\\p{Cs}\\p{Co}\\p{Cn}]{1,${STEP_UP_DESTINATION_MAX_LENGTH}}$`,
  'u',
);

/** Whether a destination is 1 to 200 printable code points once in NFC form: the API's `step-up-destination` format. */
export function isStepUpDestination(destination: string): boolean {
  return destinationPattern.test(destination.normalize('NFC'));
}

export function isStepUpAction(action: string): action is StepUpActionName {
  return Object.hasOwn(stepUpActions, action);
}

/** Why `transaction` cannot go with `action`, or undefined when it can. */
export function stepUpTransactionViolation(action: string, transaction: StepUpTransaction | undefined) {
  if (!isStepUpAction(action)) return `unknown action ${JSON.stringify(action)}`;
  const needed: readonly TransactionField[] = stepUpActions[action].fields;
  for (const field of ['amount', 'currency', 'destination'] as const) {
    const present = transaction?.[field] !== undefined;
    if (needed.includes(field) && !present) return `${action} needs transaction.${field}`;
    if (!needed.includes(field) && present) return `${action} takes no transaction.${field}`;
  }
  const { amount, currency, destination } = transaction ?? {};
  if (amount !== undefined && !amountPattern.test(amount)) return 'transaction.amount is not a decimal amount';
  if (currency !== undefined && !currencyPattern.test(currency)) return 'transaction.currency is not a currency code';
  if (destination !== undefined && !isStepUpDestination(destination))
    return 'transaction.destination must be 1 to 200 printable characters';
  return undefined;
}

/** The amount without trailing fractional zeros (and without a bare point): "150.00" and "150" are one amount. */
export function normaliseAmount(amount: string): string {
  if (!amount.includes('.')) return amount;
  return amount.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * The transaction's canonical JSON: keys in the fixed order amount, currency,
 * destination, absent ones left out, the amount normalised and the destination
 * in Unicode NFC. Meant for a transaction `stepUpTransactionViolation` accepts.
 */
export function canonicalStepUpTransaction(transaction: StepUpTransaction): string {
  const { amount, currency, destination } = transaction;
  return JSON.stringify({
    ...(amount !== undefined ? { amount: normaliseAmount(amount) } : {}),
    ...(currency !== undefined ? { currency } : {}),
    ...(destination !== undefined ? { destination: destination.normalize('NFC') } : {}),
  });
}

/** base64url(SHA-256(UTF-8(canonical JSON))): the step-up token's `txn` claim. */
export function stepUpTransactionHash(transaction: StepUpTransaction): string {
  return createHash('sha256').update(canonicalStepUpTransaction(transaction), 'utf8').digest('base64url');
}

/** What the SMS shows of a destination: its last four characters, enough to recognise it and no more. */
export function stepUpDestinationHint(destination: string): string {
  return `…${[...destination.normalize('NFC')].slice(-4).join('')}`;
}
