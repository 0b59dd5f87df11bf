import { createHash, timingSafeEqual } from 'node:crypto';
import { Rng } from '../../core/rng.ts';
import { bytes, type Identity, type IdentitySet } from './identities.ts';
import { DEVICE_COST, hashPassword, OPERATOR_COST, type PasswordHash, verifyPassword } from './password-hash.ts';

/**
 * The broker's side of the credentials: a scrypt hash per identity, never the password. Hashes are
 * made on an identity's first login rather than all at start (a 10,000-device fleet would otherwise
 * wait for 10,000 hashes before the first connect), and a login that succeeded is remembered by a
 * SHA-256 of its password, so a reconnect storm after a network fault costs a hash compare, not
 * scrypt again. A wrong password always goes through scrypt.
 */
export class CredentialStore {
  readonly #identities: IdentitySet;
  readonly #saltRng: Rng;
  readonly #hashes = new Map<string, Promise<PasswordHash>>();
  readonly #verified = new Map<string, Buffer>();
  #decoy: Promise<PasswordHash> | undefined;

  constructor(identities: IdentitySet, seed: string | number) {
    this.#identities = identities;
    this.#saltRng = new Rng(seed).fork('security/salt');
  }

  /** True when `password` is `username`'s. An unknown user name costs the same as a known one. */
  async verify(username: string, password: Buffer | string | undefined): Promise<boolean> {
    const text = password === undefined ? '' : Buffer.isBuffer(password) ? password.toString('utf8') : password;
    const identity = this.#identities.get(username);
    if (identity === undefined) {
      // Hash anyway, so response time does not tell an attacker which user names exist.
      this.#decoy ??= hashPassword('decoy', Buffer.alloc(16), DEVICE_COST);
      await verifyPassword(text, await this.#decoy);
      return false;
    }
    const digest = sha256(text);
    const remembered = this.#verified.get(username);
    if (remembered !== undefined && timingSafeEqual(remembered, digest)) return true;
    const ok = await verifyPassword(text, await this.#hashOf(identity));
    if (ok) this.#verified.set(username, digest);
    return ok;
  }

  #hashOf(identity: Identity): Promise<PasswordHash> {
    let hash = this.#hashes.get(identity.username);
    if (hash === undefined) {
      const salt = bytes(this.#saltRng.fork(identity.username), 16);
      hash = hashPassword(identity.password.reveal(), salt, identity.type === 'console' ? OPERATOR_COST : DEVICE_COST);
      this.#hashes.set(identity.username, hash);
    }
    return hash;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
