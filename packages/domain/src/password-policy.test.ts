import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy.js';

describe(checkPassword.name, () => {
  it.each([
    ['short1!', 'password_too_short'],
    ['a'.repeat(129), 'password_too_long'],
    ['aaaaaaaaaaaa', 'password_too_simple'],
    ['1234567890', 'password_too_simple'],
    ['abababababab', 'password_too_simple'],
    ['maria.silva2024', 'password_contains_email'],
  ])('refuses %s', (password, problem) => {
    expect(checkPassword(password, { email: 'maria.silva@example.com' })).toBe(problem);
  });

  it('accepts a long, varied password', () => {
    expect(checkPassword('cavalo-bateria-grampo', { email: 'maria.silva@example.com' })).toBeUndefined();
  });
});
