import { type KeyObject, verify } from 'node:crypto';
import { type CommandAuth, signedBytes } from './signed-command.ts';

/** Why a device refused a command; it goes back in the command's ack (`code`). */
export type CommandRejection =
  | 'unsigned'
  | 'malformed-signature'
  | 'unknown-issuer'
  | 'role-mismatch'
  | 'bad-signature'
  | 'role-not-permitted'
  | 'expired'
  | 'from-the-future'
  | 'replayed';

export type VerifyResult = { ok: true; issuer: string; role: string } | { ok: false; reason: CommandRejection; detail: string };

export interface TrustedIssuer {
  publicKey: KeyObject;
  /** The role the key belongs to: a command claiming another is refused. */
  role: string;
}

export interface CommandVerifierOptions {
  /** The device this verifier guards: commands signed for another device are bad signatures here. */
  device: string;
  issuers: ReadonlyMap<string, TrustedIssuer>;
  /** How far a command's timestamp may be from the device's clock, either way. */
  freshnessMs: number;
  /** The device's own clock (a clock-skew fault moves it, as it would a real device's). */
  now: () => number;
  /** Whether `role` may send a command of this type (e.g. only a role with the dose permission may bolus). */
  permits: (role: string, commandType: string) => boolean;
  /**
   * Check the timestamp and the nonce (default true). Firmware with the `replayable-commands` weakness
   * (docs/advisories.md) checks signatures but keeps neither, so a captured command works again.
   */
  replayProtection?: boolean;
}

/**
 * The device firmware's check before its state machine sees a command (FDA 2023 premarket guidance,
 * Appendix 1: authenticated commands with replay protection; IEC 81001-5-1 secure
 * design). In order: signed at all, by a known issuer in the role its key belongs to, a
 * valid Ed25519 signature over this device's command, a role that may send it, a timestamp within the
 * freshness window, and a nonce not seen within it. Nonces are remembered only as long as their
 * command could still be fresh, so memory stays bounded by the command rate.
 */
export class CommandVerifier {
  readonly #options: CommandVerifierOptions;
  readonly #seen = new Map<string, number>();

  constructor(options: CommandVerifierOptions) {
    this.#options = options;
  }

  verify(command: Record<string, unknown>): VerifyResult {
    const { device, issuers, freshnessMs, now, permits } = this.#options;
    const auth = command.auth;
    if (auth === undefined || auth === null) return reject('unsigned', 'the command carries no signature');
    if (!isAuth(auth)) return reject('malformed-signature', 'auth must have issuer, role, nonce, ts and sig');
    const issuer = issuers.get(auth.issuer);
    if (issuer === undefined) return reject('unknown-issuer', `issuer ${JSON.stringify(auth.issuer)} is not trusted by ${device}`);
    if (auth.role !== issuer.role) return reject('role-mismatch', `${auth.issuer} signs as ${issuer.role}, not ${auth.role}`);
    const { sig, ...unsigned } = auth;
    if (!verify(null, signedBytes(device, command, unsigned), issuer.publicKey, Buffer.from(sig, 'base64'))) {
      return reject('bad-signature', `the signature does not match this command for ${device}`);
    }
    const type = typeof command.type === 'string' ? command.type : '';
    if (!permits(auth.role, type)) return reject('role-not-permitted', `role ${auth.role} may not send ${type}`);
    if (this.#options.replayProtection === false) return { ok: true, issuer: auth.issuer, role: auth.role };
    const t = now();
    if (auth.ts < t - freshnessMs)
      return reject('expired', `signed at ${auth.ts} ms, more than ${freshnessMs} ms before the device's ${t} ms`);
    if (auth.ts > t + freshnessMs)
      return reject('from-the-future', `signed at ${auth.ts} ms, more than ${freshnessMs} ms after the device's ${t} ms`);
    this.#forgetStale(t);
    if (this.#seen.has(auth.nonce)) return reject('replayed', `nonce ${auth.nonce} was already used`);
    this.#seen.set(auth.nonce, auth.ts);
    return { ok: true, issuer: auth.issuer, role: auth.role };
  }

  /** Nonces remembered now (for tests and memory checks). */
  get remembered(): number {
    return this.#seen.size;
  }

  #forgetStale(t: number): void {
    const horizon = t - this.#options.freshnessMs;
    for (const [nonce, ts] of this.#seen) if (ts < horizon) this.#seen.delete(nonce);
  }
}

function reject(reason: CommandRejection, detail: string): VerifyResult {
  return { ok: false, reason, detail };
}

function isAuth(value: unknown): value is CommandAuth {
  if (value === null || typeof value !== 'object') return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.issuer === 'string' &&
    typeof a.role === 'string' &&
    typeof a.nonce === 'string' &&
    /^[0-9a-f]{32}$/.test(a.nonce) &&
    Number.isSafeInteger(a.ts) &&
    typeof a.sig === 'string' &&
    (a.otp === undefined || typeof a.otp === 'string')
  );
}
