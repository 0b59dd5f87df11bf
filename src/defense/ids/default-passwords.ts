/**
 * Passwords that ship as defaults or top every leaked-password list: what a credential guesser tries
 * first. Sources: CISA ICSMA-17-250-02 (Smiths Medical Medfusion 4000: hard-coded and default
 * credentials) and ICSMA-20-023-01 (GE CARESCAPE "MDhex"), CWE-798 and CWE-1392 (use of default
 * credentials), and the 62-pair list the Mirai botnet logged in with (US-CERT TA16-288A). A per-run
 * random password is never one of them, so a login presenting one is a guess whatever the broker does.
 */
const DEFAULT_PASSWORDS: ReadonlySet<string> = new Set([
  '',
  '0000',
  '1111',
  '1234',
  '12345',
  '123456',
  'admin',
  'administrator',
  'changeme',
  'default',
  'guest',
  'medtwin',
  'pass',
  'password',
  'root',
  'service',
  'support',
  'user',
]);

/** True for a password from the well-known default list (compared as text; bytes that are not UTF-8 never match). */
export function isDefaultPassword(password: Buffer | string | undefined): boolean {
  if (password === undefined) return false;
  return DEFAULT_PASSWORDS.has(typeof password === 'string' ? password : password.toString('utf8'));
}
