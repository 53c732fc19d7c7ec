/** `+33612345678` → `+33******78`: enough for the user to recognise their phone, not enough to dial it. */
export function maskPhoneNumber(phoneNumber: string): string {
  if (phoneNumber.length <= 5) return '*'.repeat(phoneNumber.length);
  return `${phoneNumber.slice(0, 3)}${'*'.repeat(phoneNumber.length - 5)}${phoneNumber.slice(-2)}`;
}
