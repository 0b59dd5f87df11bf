import { describe, expect, it } from 'vitest';
import { BrokerSecurity } from './broker-security.ts';
import { CredentialStore } from './credential-store.ts';
import { IdentitySet } from './identities.ts';
import { resolveSecurity } from './profile-schema.ts';
import { childSecuritySetup } from './remote-security.ts';

const fleet = {
  site: 'h',
  zones: ['icu'],
  devices: [
    { id: 'pump-001', kind: 'infusion-pump', zone: 'icu' },
    { id: 'pump-002', kind: 'infusion-pump', zone: 'icu' },
  ],
};

async function setupFor(profile: 'baseline' | 'hardened') {
  const config = resolveSecurity({ profile });
  const identities = IdentitySet.derive(3, fleet, config);
  const broker = new BrokerSecurity({ controls: config.controls, lockout: config.lockout, identities, seed: 3, now: () => 0 });
  return { identities, setup: await childSecuritySetup({ controls: config.controls, lockout: config.lockout, identities, broker }) };
}

describe("a child broker's security setup", () => {
  it('carries a hash per identity and never a password; TOTP secrets only when the child checks second factors', async () => {
    const baseline = await setupFor('baseline');
    const text = JSON.stringify(baseline.setup);
    for (const identity of baseline.identities.all()) {
      expect(text).not.toContain(identity.password.reveal());
      if (identity.type === 'console') expect(text).not.toContain(identity.totpSecret.reveal());
    }
    expect(baseline.setup.hashes.map(([user]) => user).sort()).toEqual([...baseline.identities.all()].map((i) => i.username).sort());

    const hardened = await setupFor('hardened');
    const consoles = [...hardened.identities.all()].filter((i) => i.type === 'console');
    expect(consoles.length).toBeGreaterThan(0);
    for (const c of consoles) expect(JSON.stringify(hardened.setup)).toContain(c.totpSecret.reveal());
  });

  it('checks logins against the hashes alone: the right password passes, a wrong or empty one and an identity without a hash do not', async () => {
    const { identities, setup } = await setupFor('baseline');
    const child = IdentitySet.fromRecords(setup.site, setup.identities);
    const hashes = new Map(
      setup.hashes
        .filter(([user]) => user !== 'medtwin-pump-002')
        .map(([user, h]) => [user, { salt: Buffer.from(h.salt, 'base64'), hash: Buffer.from(h.hash, 'base64'), cost: h.cost }] as const),
    );
    const store = CredentialStore.fromHashes(child, hashes);
    const pump = identities.get('medtwin-pump-001')!;
    expect(await store.verify(pump.username, pump.password.reveal())).toBe(true);
    expect(await store.verify(pump.username, 'guessed')).toBe(false);
    expect(await store.verify(pump.username, '')).toBe(false);
    // Its hash was not sent: not even its real password logs in, and the child's placeholder password is no way in.
    const other = identities.get('medtwin-pump-002')!;
    expect(await store.verify(other.username, other.password.reveal())).toBe(false);
    expect(await store.verify(other.username, '')).toBe(false);
  });
});
