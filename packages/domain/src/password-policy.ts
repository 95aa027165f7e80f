export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_too_simple' | 'password_contains_email';

/** Length first (NIST 800-63B), plus refusals of the guessable: one repeated character, a plain sequence, the e-mail. */
export function checkPassword(password: string, context: { readonly email?: string } = {}): PasswordProblem | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'password_too_long';
  const lowered = password.toLowerCase();
  if (new Set(lowered).size < 4) return 'password_too_simple';
  if ('0123456789012345678901234567890'.includes(lowered) || 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'.includes(lowered)) {
    return 'password_too_simple';
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) return 'password_contains_email';
  return undefined;
}
