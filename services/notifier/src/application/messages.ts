/** The SMS texts. Short (one SMS segment), the code first so phones can offer to fill it in. */
export interface MessageOptions {
  brand: string;
}

export function otpText(purpose: string, code: string, expiresInMinutes: number, options: MessageOptions): string {
  const what = purpose === 'PASSWORD_RESET' ? 'password reset code' : 'login code';
  return `${code} is your ${options.brand} ${what}. It expires in ${expiresInMinutes} min. Never share it.`;
}
