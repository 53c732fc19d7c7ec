/**
 * The device a login is made from, as the mobile app declares it: shared by
 * the login body, the StartLogin command and the session events. A device with
 * an `id` is recognised by it; without one, by its name and platform.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The platforms an app may declare; anything else is OTHER. */
export const DevicePlatform = Type.Union(
  [
    Type.Literal('IOS'),
    Type.Literal('ANDROID'),
    Type.Literal('WEB'),
    Type.Literal('MACOS'),
    Type.Literal('WINDOWS'),
    Type.Literal('LINUX'),
    Type.Literal('OTHER'),
  ],
  { description: 'The platform the app runs on.', examples: ['IOS'] },
);
export type DevicePlatform = Static<typeof DevicePlatform>;

/** No control characters, line or paragraph separators: the name is shown back to the user as one line. */
export const DEVICE_NAME_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]+$';
/** Printable ASCII: an opaque id the app keeps (a vendor id, an install id). */
export const DEVICE_ID_PATTERN = '^[\\x21-\\x7e]+$';

export const Device = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        pattern: DEVICE_ID_PATTERN,
        description:
          'An opaque id the app keeps for this install (1–128 printable ASCII characters, no spaces). With it a device is recognised whatever its name; without it, by name and platform.',
        examples: ['4f1c2a9e-5b7d-4e36-9a0b-2d8c6e1f3a57'],
      }),
    ),
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: DEVICE_NAME_PATTERN,
      description: "The device's name as the user knows it (1–64 characters, no control characters).",
      examples: ["Alice's iPhone"],
    }),
    platform: DevicePlatform,
  },
  { additionalProperties: false },
);
export type Device = Static<typeof Device>;
