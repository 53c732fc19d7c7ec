/**
 * What an email without a user gets in place of a user's data, so its answers
 * look like a real user's. Only the masked number is ever shown (its first
 * three characters, its length and its last two digits), so a decoy must have
 * the shape real numbers have, in the proportions real users have them: a
 * French user base answering `+44…` for unknown emails would give them away.
 */
import { keyedHash } from '@tessera/crypto';
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/mobile';
import examples from 'libphonenumber-js/mobile/examples';

/** A region and how often its numbers should appear among decoys. */
export interface DecoyCountry {
  region: string;
  weight: number;
}

export interface DecoyPhoneNumbers {
  /** A plausible number for `key` (a client's email), the same every time while the proportions hold. */
  numberFor(key: string): string;
  /** Counts a real user's number towards the proportions learned (when none are configured). */
  observe(phoneNumber: string): void;
}

/** What a masked number reveals: its first three characters and its length. */
interface Shape {
  prefix: string;
  length: number;
}

/** Used until enough real numbers are seen, when no countries are configured: a spread of European mobiles. */
const FALLBACK_COUNTRIES: DecoyCountry[] = [
  { region: 'FR', weight: 1 },
  { region: 'DE', weight: 1 },
  { region: 'GB', weight: 1 },
  { region: 'ES', weight: 1 },
  { region: 'IT', weight: 1 },
  { region: 'NL', weight: 1 },
  { region: 'BE', weight: 1 },
  { region: 'CH', weight: 1 },
];
/** Real numbers needed before the learned proportions replace the fallback. */
const LEARNING_THRESHOLD = 50;

export function isDecoyRegion(region: string): boolean {
  try {
    return getExampleNumber(region as CountryCode, examples) !== undefined;
  } catch {
    return false;
  }
}

function shapeOfRegion(region: string): { shape: Shape; leading: string } {
  const example = getExampleNumber(region as CountryCode, examples);
  if (!example) throw new Error(`no mobile numbers are known for region ${region}`);
  const number = example.number as string;
  // The calling code and the first national digit: a French decoy is +336…, as French mobiles are.
  const leading = `+${example.countryCallingCode}${example.nationalNumber.slice(0, 1)}`;
  return { shape: { prefix: number.slice(0, 3), length: number.length }, leading };
}

/** Digits from the key's hash, so the same key always gets the same number. */
function digitsFor(hash: string, count: number): string {
  let digits = '';
  for (let index = 8; digits.length < count; index = (index + 2) % (hash.length - 1))
    digits += String(parseInt(hash.slice(index, index + 2), 16) % 10);
  return digits;
}

/** Picks from weighted choices by a fraction in [0, 1), walking them in a fixed order so small drifts move few keys. */
function pick<T>(choices: Array<{ value: T; weight: number }>, fraction: number): T {
  const total = choices.reduce((sum, choice) => sum + choice.weight, 0);
  let threshold = fraction * total;
  for (const choice of choices) {
    threshold -= choice.weight;
    if (threshold < 0) return choice.value;
  }
  return choices[choices.length - 1]!.value;
}

/**
 * Decoy numbers drawn from `configured` countries when given (stable, and the
 * recommended setting), else from the shapes of the real numbers seen since
 * start (registrations and loaded users), until enough are seen from a fixed
 * spread of European mobiles.
 */
export function createDecoyPhoneNumbers(hashingKey: Buffer, configured: DecoyCountry[] = []): DecoyPhoneNumbers {
  const configuredChoices = configured.map(({ region, weight }) => ({ value: shapeOfRegion(region).leading, weight }));
  const fallbackChoices = FALLBACK_COUNTRIES.map(({ region, weight }) => ({
    value: shapeOfRegion(region).leading,
    weight,
  }));
  const leadingLength = new Map(
    [...configured, ...FALLBACK_COUNTRIES].map(({ region }) => {
      const { shape, leading } = shapeOfRegion(region);
      return [leading, shape.length];
    }),
  );
  const learned = new Map<string, number>();
  let observed = 0;

  return {
    numberFor(key) {
      const hash = keyedHash(hashingKey, 'decoy-phone', key);
      const fraction = parseInt(hash.slice(0, 8), 16) / 2 ** 32;
      if (configuredChoices.length === 0 && observed >= LEARNING_THRESHOLD) {
        const choices = [...learned.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([shape, weight]) => ({ value: shape, weight }));
        const [prefix = '+33', length = '12'] = pick(choices, fraction).split('|');
        return prefix + digitsFor(hash, Number(length) - prefix.length);
      }
      const leading = pick(configuredChoices.length > 0 ? configuredChoices : fallbackChoices, fraction);
      return leading + digitsFor(hash, (leadingLength.get(leading) ?? 12) - leading.length);
    },
    observe(phoneNumber) {
      if (configuredChoices.length > 0 || !/^\+\d{7,15}$/.test(phoneNumber)) return;
      const shape = `${phoneNumber.slice(0, 3)}|${phoneNumber.length}`;
      learned.set(shape, (learned.get(shape) ?? 0) + 1);
      observed += 1;
    },
  };
}

/**
 * The id of a user stream that no user can have (real ids are UUIDs of
 * version 4), the same for one client's email, shaped like a real id.
 */
export function decoyUserId(hashingKey: Buffer, key: string): string {
  const hash = keyedHash(hashingKey, 'decoy-user', key);
  // Version 4, variant 10xx, like randomUUID(): the id shows nothing of its origin.
  const variant = ((parseInt(hash[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
