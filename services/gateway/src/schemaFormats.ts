/**
 * The JSON Schema formats the gateway's validator adds to the standard ones
 * (contracts' `apiFormats`), so that the OpenAPI document names the rule the
 * server checks and a breach is a plain schema failure (400).
 */
import { apiFormats, E164_PATTERN, isStepUpDestination, passwordLength } from '@tessera/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const E164 = new RegExp(E164_PATTERN);

/**
 * Numbers that can receive an SMS. Where the numbering plan cannot tell a
 * mobile from a fixed line (the United States and Canada, among others),
 * libphonenumber says FIXED_LINE_OR_MOBILE, and those are the numbers people
 * text there. Fixed lines cannot receive the code, and premium-rate,
 * shared-cost, toll-free, VoIP, pager and personal numbers are refused: no
 * code should go where it may not arrive, and premium numbers are how SMS
 * pumping is paid.
 */
const SMS_NUMBER_TYPES: ReadonlySet<string> = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** The number in its normalised E.164 form when it is E.164 and can receive SMS; undefined otherwise. */
export function smsPhoneNumber(value: string): string | undefined {
  if (!E164.test(value)) return undefined;
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  return type !== undefined && SMS_NUMBER_TYPES.has(type) ? parsed.number : undefined;
}

/** Identity counts a password in code points of its NFC form; JSON Schema's maxLength counts them as sent. */
export function newPasswordLengthAllowed(value: string): boolean {
  const length = [...value.normalize('NFC')].length;
  return length >= passwordLength.min && length <= passwordLength.max;
}

/** For Fastify's `ajv.customOptions.formats`. */
export const schemaFormats = {
  [apiFormats.phoneNumber]: { type: 'string', validate: (value: string) => smsPhoneNumber(value) !== undefined },
  [apiFormats.newPassword]: { type: 'string', validate: newPasswordLengthAllowed },
  [apiFormats.stepUpDestination]: { type: 'string', validate: isStepUpDestination },
} as const;
