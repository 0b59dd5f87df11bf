import { Rng } from '../../core/rng.ts';
import type { IdentitySet } from './identities.ts';
import { commandPermission, type RoleSpec } from './roles.ts';
import { CommandSigner } from './signed-command.ts';
import { deriveSigningKey } from './signing-keys.ts';
import type { TrustedIssuer } from './command-verifier.ts';

/** The twin signs as this role: it may send any command that does not change a dose. */
export const TWIN_ROLE = 'twin';

/**
 * Who may sign commands in a run: every console (in its role) and the twin, each with an Ed25519 key
 * from the seed. What a device's firmware is provisioned with (`issuers`), and what each issuer signs
 * with (`signer`).
 */
export class CommandTrust {
  readonly issuers: ReadonlyMap<string, TrustedIssuer>;
  readonly #seed: string | number;
  readonly #roles: Readonly<Record<string, RoleSpec>>;
  readonly #roleOf = new Map<string, string>();

  constructor(seed: string | number, identities: IdentitySet, roles: Readonly<Record<string, RoleSpec>>) {
    this.#seed = seed;
    this.#roles = roles;
    const issuers = new Map<string, TrustedIssuer>();
    for (const identity of identities.all()) {
      if (identity.type === 'device') continue;
      const role = identity.type === 'twin' ? TWIN_ROLE : identity.role;
      this.#roleOf.set(identity.username, role);
      issuers.set(identity.username, { publicKey: deriveSigningKey(seed, `command/${identity.username}`).publicKey, role });
    }
    this.issuers = issuers;
  }

  /** The signer of `issuer` (a console's or the twin's user name). */
  signer(issuer: string): CommandSigner {
    const role = this.#roleOf.get(issuer);
    if (role === undefined) throw new RangeError(`no command issuer named ${JSON.stringify(issuer)}`);
    const nonces = new Rng(this.#seed).fork(`security/nonce/${issuer}`);
    return new CommandSigner(issuer, role, deriveSigningKey(this.#seed, `command/${issuer}`).privateKey, nonces);
  }

  /**
   * Whether `role` may send `commandType` to a device of `kind`: dose changes need `dose`, firmware
   * offers `firmware`, the rest `command`. The twin sends neither doses nor firmware.
   */
  permits(kind: string, role: string, commandType: string): boolean {
    const needed = commandPermission(kind, commandType);
    if (role === TWIN_ROLE) return needed === 'command';
    const permissions = this.#roles[role]?.permissions ?? [];
    return permissions.includes(needed);
  }
}
