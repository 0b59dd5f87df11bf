import { TOTP } from 'otpauth';
import type { ConsoleIdentity } from './identities.ts';

/** RFC 6238 defaults, as authenticator apps use them: 6 digits, 30 s steps, HMAC-SHA1. */
const PERIOD_S = 30;

export type MfaResult = { ok: true } | { ok: false; reason: 'mfa-missing' | 'mfa-invalid' | 'mfa-reused' };

/**
 * A TOTP second factor for operators (RFC 6238, with the `otpauth` library), checked against the
 * simulation clock. One step either way is accepted for clock drift (RFC 6238 §5.2), and a code that
 * was already used is refused — §5.2 again: a verifier must not accept the same OTP twice.
 */
export class OperatorMfa {
  readonly #now: () => number;
  readonly #lastCounter = new Map<string, number>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * `scope` is what the code is entered for (the target device): a code is accepted once per scope.
   * A clinician on a round confirms each pump's order with the code on screen — two pumps within one
   * 30 s step is ordinary ward work — while a code captured on its way to one pump never works on it
   * again (and under signedCommands cannot be moved to another: the signature covers device and code).
   */
  verify(identity: ConsoleIdentity, code: unknown, scope = ''): MfaResult {
    if (typeof code !== 'string' || code === '') return { ok: false, reason: 'mfa-missing' };
    const totp = totpOf(identity);
    const timestamp = this.#now();
    const delta = totp.validate({ token: code, timestamp, window: 1 });
    if (delta === null) return { ok: false, reason: 'mfa-invalid' };
    const counter = totp.counter({ timestamp }) + delta;
    const key = `${identity.username}\n${scope}`;
    const last = this.#lastCounter.get(key);
    if (last !== undefined && counter <= last) return { ok: false, reason: 'mfa-reused' };
    this.#lastCounter.set(key, counter);
    return { ok: true };
  }
}

/** The current code of an operator's authenticator (what a simulated clinician types). */
export function currentCode(identity: ConsoleIdentity, timestamp: number): string {
  return totpOf(identity).generate({ timestamp });
}

function totpOf(identity: ConsoleIdentity): TOTP {
  return new TOTP({ issuer: 'medtwin', label: identity.username, secret: identity.totpSecret.reveal(), period: PERIOD_S });
}
