/**
 * Open Dental's strong-password rule (Userods POST): at least 8 characters with a digit, an
 * upper-case and a lower-case letter — and a symbol (any character that is not a letter, digit or
 * space, e.g. $, #, >) when the office preference for special characters is on.
 */
export const MIN_PASSWORD_LENGTH = 8;

export function isStrongPassword(password: string, requireSymbol: boolean): boolean {
  return (
    password.length >= MIN_PASSWORD_LENGTH &&
    /[0-9]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[a-z]/.test(password) &&
    (!requireSymbol || /[^A-Za-z0-9\s]/.test(password))
  );
}
