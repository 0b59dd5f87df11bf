import { sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { Rng } from '../../core/rng.ts';

/**
 * What a signed command carries beside its own fields, as `auth` in the command body:
 *   { "type": "bolus", "amount": 2, "auth": { "issuer", "role", "nonce", "ts", "sig", "otp"? } }
 * The signature (Ed25519, base64) covers the command without `auth`, the target device, the issuer,
 * its role, the nonce, the timestamp and the second-factor code if there is one — so none of them can
 * be changed, and a command signed for one pump is refused by every other.
 */
export interface CommandAuth {
  issuer: string;
  role: string;
  /** 128 random bits, hex: what makes each command unique (replay protection). */
  nonce: string;
  /** The issuer's clock, ms of the run. */
  ts: number;
  sig: string;
  otp?: string;
}

export type CommandBody = Record<string, unknown> & { type: string };

/** The exact bytes an issuer signs and a device verifies. */
export function signedBytes(device: string, command: Record<string, unknown>, auth: Omit<CommandAuth, 'sig'>): Buffer {
  const { auth: _ignored, ...fields } = command;
  const signed = {
    command: fields,
    device,
    issuer: auth.issuer,
    nonce: auth.nonce,
    role: auth.role,
    ts: auth.ts,
    ...(auth.otp === undefined ? {} : { otp: auth.otp }),
  };
  return Buffer.from(canonicalJson(signed), 'utf8');
}

/**
 * An operator console's or the twin's signing side. Nonces come from a seeded stream, so the same
 * run signs the same bytes (Ed25519 is deterministic too).
 */
export class CommandSigner {
  readonly issuer: string;
  readonly role: string;
  readonly #key: KeyObject;
  readonly #nonces: Rng;

  constructor(issuer: string, role: string, privateKey: KeyObject, nonces: Rng) {
    this.issuer = issuer;
    this.role = role;
    this.#key = privateKey;
    this.#nonces = nonces;
  }

  /** `command` with its `auth` block, for `device`, stamped `ts`. */
  sign<T extends CommandBody>(device: string, command: T, ts: number, otp?: string): T & { auth: CommandAuth } {
    let nonce = '';
    for (let i = 0; i < 16; i++) nonce += this.#nonces.int(0, 255).toString(16).padStart(2, '0');
    const unsigned = { issuer: this.issuer, role: this.role, nonce, ts, ...(otp === undefined ? {} : { otp }) };
    const sig = sign(null, signedBytes(device, command, unsigned), this.#key).toString('base64');
    return { ...command, auth: { ...unsigned, sig } };
  }
}
