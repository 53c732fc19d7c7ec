import sodium from 'sodium-native';

/** A numeric one-time code, each digit drawn uniformly (no modulo bias). */
export function generateOtpCode(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10) throw new Error('OTP length must be 4 to 10 digits');
  let code = '';
  for (let index = 0; index < length; index += 1) code += String(sodium.randombytes_uniform(10));
  return code;
}
