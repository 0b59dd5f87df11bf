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
  /** True when the hashes were handed over (a child broker): no password is known here, so none is ever hashed. */
  readonly #given: boolean;
  #decoy: Promise<PasswordHash> | undefined;

  constructor(identities: IdentitySet, seed: string | number, given?: ReadonlyMap<string, PasswordHash>) {
    this.#identities = identities;
    this.#saltRng = new Rng(seed).fork('security/salt');
    this.#given = given !== undefined;
    for (const [username, hash] of given ?? []) this.#hashes.set(username, Promise.resolve(hash));
  }

  /**
   * A store that checks logins against hashes made elsewhere (`hashAll` in the parent process), for a
   * broker that never learns a password.
   */
  static fromHashes(identities: IdentitySet, hashes: ReadonlyMap<string, PasswordHash>): CredentialStore {
    return new CredentialStore(identities, 0, hashes);
  }

  /** Every identity's hash (made now where not yet made), `limit` at a time: what a child broker is given. */
  async hashAll(limit = 64): Promise<Map<string, PasswordHash>> {
    const all = [...this.#identities.all()];
    const out = new Map<string, PasswordHash>();
    for (let i = 0; i < all.length; i += limit) {
      const slice = all.slice(i, i + limit);
      const hashes = await Promise.all(slice.map((identity) => this.#hashOf(identity)));
      slice.forEach((identity, j) => out.set(identity.username, hashes[j]!));
    }
    return out;
  }

  /** True when `password` is `username`'s. An unknown user name costs the same as a known one. */
  async verify(username: string, password: Buffer | string | undefined): Promise<boolean> {
    const text = password === undefined ? '' : Buffer.isBuffer(password) ? password.toString('utf8') : password;
    const identity = this.#identities.get(username);
    if (identity === undefined || (this.#given && !this.#hashes.has(username))) {
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
