import { Secret as OtpSecret } from 'otpauth';
import { Rng } from '../../core/rng.ts';
import type { SecurityConfig } from './profile-schema.ts';
import type { Permission } from './roles.ts';
import { Secret } from './secret.ts';

/** What the identity layer needs to know of a fleet (the runtime passes its planned fleet). */
export interface FleetSubjects {
  site: string;
  zones: readonly string[];
  devices: readonly { id: string; kind: string; zone: string }[];
}

interface IdentityBase {
  /** The MQTT user name; equal to the client id the identity must connect with. */
  username: string;
  clientId: string;
  password: Secret;
}

export interface DeviceIdentity extends IdentityBase {
  type: 'device';
  site: string;
  zone: string;
  kind: string;
  deviceId: string;
}

export interface TwinIdentity extends IdentityBase {
  type: 'twin';
  site: string;
}

export interface ConsoleIdentity extends IdentityBase {
  type: 'console';
  site: string;
  role: string;
  /** The zone the console reaches; undefined for a site-wide console. */
  zone: string | undefined;
  permissions: readonly Permission[];
  /** The TOTP shared secret (RFC 6238), base32, for a second factor on dose-changing commands. */
  totpSecret: Secret;
}

export type Identity = DeviceIdentity | TwinIdentity | ConsoleIdentity;

/**
 * An identity as a broker in another process is given it: everything but the password (the broker
 * gets a hash instead, credential-store.ts), with the TOTP secret only when that broker checks second
 * factors.
 */
export type IdentityRecord =
  | Omit<DeviceIdentity, 'password'>
  | Omit<TwinIdentity, 'password'>
  | (Omit<ConsoleIdentity, 'password' | 'totpSecret'> & { totpSecret?: string });

/** Client ids of the fleet (docs/topics.md): a device is `medtwin-<deviceId>`, the twin `medtwin-twin`. */
export const deviceClientId = (deviceId: string): string => `medtwin-${deviceId}`;
export const TWIN_CLIENT_ID = 'medtwin-twin';
export const consoleClientId = (role: string, zone: string | undefined): string =>
  zone === undefined ? `medtwin-console-${role}` : `medtwin-console-${role}-${zone}`;

/**
 * Every identity of a run, keyed by user name. Credentials come from the scenario seed through named
 * streams (`security/credential/<user>`), so the shards of one run agree on them without exchanging
 * any, and adding a device never changes another's password. They are `Secret`s: never printed.
 */
export class IdentitySet {
  readonly site: string;
  readonly #byUser = new Map<string, Identity>();

  private constructor(site: string) {
    this.site = site;
  }

  static derive(seed: string | number, fleet: FleetSubjects, config: Pick<SecurityConfig, 'roles' | 'consoles'>): IdentitySet {
    const set = new IdentitySet(fleet.site);
    const root = new Rng(seed).fork('security');
    const password = (user: string) => new Secret(randomText(root.fork(`credential/${user}`), 24));
    for (const device of fleet.devices) {
      const clientId = deviceClientId(device.id);
      set.#add({
        type: 'device',
        username: clientId,
        clientId,
        password: password(clientId),
        site: fleet.site,
        zone: device.zone,
        kind: device.kind,
        deviceId: device.id,
      });
    }
    set.#add({ type: 'twin', username: TWIN_CLIENT_ID, clientId: TWIN_CLIENT_ID, password: password(TWIN_CLIENT_ID), site: fleet.site });
    for (const { role, zone } of consoleSpecs(fleet.zones, config)) {
      const clientId = consoleClientId(role, zone);
      set.#add({
        type: 'console',
        username: clientId,
        clientId,
        password: password(clientId),
        site: fleet.site,
        role,
        zone,
        permissions: config.roles[role]?.permissions ?? [],
        totpSecret: new Secret(new OtpSecret({ buffer: new Uint8Array(bytes(root.fork(`totp/${clientId}`), 20)).buffer }).base32),
      });
    }
    return set;
  }

  /** What a broker in another process needs of each identity (IdentitySet.fromRecords rebuilds the set). */
  records(options: { totp: boolean }): IdentityRecord[] {
    return [...this.#byUser.values()].map((identity): IdentityRecord => {
      const { password: _password, ...rest } = identity;
      if (rest.type !== 'console') return rest;
      const { totpSecret, ...console } = rest;
      return options.totp ? { ...console, totpSecret: totpSecret.reveal() } : console;
    });
  }

  /**
   * The identities a broker in another process was given: no passwords (logins are checked against
   * hashes, CredentialStore.fromHashes), and a TOTP secret only where one was sent.
   */
  static fromRecords(site: string, records: readonly IdentityRecord[]): IdentitySet {
    const set = new IdentitySet(site);
    // Never a usable password: a store built from hashes never hashes one, and no client can present it.
    const none = new Secret('');
    for (const record of records) {
      if (record.type === 'console') set.#add({ ...record, password: none, totpSecret: new Secret(record.totpSecret ?? '') });
      else set.#add({ ...record, password: none });
    }
    return set;
  }

  get(username: string): Identity | undefined {
    return this.#byUser.get(username);
  }

  device(deviceId: string): DeviceIdentity | undefined {
    const identity = this.#byUser.get(deviceClientId(deviceId));
    return identity?.type === 'device' ? identity : undefined;
  }

  get twin(): TwinIdentity {
    return this.#byUser.get(TWIN_CLIENT_ID) as TwinIdentity;
  }

  /** The console of `role` for `zone` (or the site-wide one). */
  console(role: string, zone?: string): ConsoleIdentity | undefined {
    const identity = this.#byUser.get(consoleClientId(role, zone)) ?? this.#byUser.get(consoleClientId(role, undefined));
    return identity?.type === 'console' ? identity : undefined;
  }

  all(): IterableIterator<Identity> {
    return this.#byUser.values();
  }

  get size(): number {
    return this.#byUser.size;
  }

  #add(identity: Identity): void {
    this.#byUser.set(identity.username, identity);
  }
}

/** The consoles a scenario lists, or one per zone for each zone role and one for each site-wide role. */
function consoleSpecs(
  zones: readonly string[],
  config: Pick<SecurityConfig, 'roles' | 'consoles'>,
): { role: string; zone: string | undefined }[] {
  if (config.consoles !== undefined) return config.consoles.map((c) => ({ role: c.role, zone: c.zone }));
  return Object.entries(config.roles).flatMap(([role, spec]): { role: string; zone: string | undefined }[] =>
    spec.siteWide ? [{ role, zone: undefined }] : zones.map((zone) => ({ role, zone })),
  );
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of base62: 24 of them carry about 143 bits. */
function randomText(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[rng.int(0, ALPHABET.length - 1)];
  return out;
}

/** `n` bytes from a seeded stream (key material that must be reproducible from the seed). */
export function bytes(rng: Rng, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  return out;
}
