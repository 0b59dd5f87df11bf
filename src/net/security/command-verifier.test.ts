import { describe, expect, it } from 'vitest';
import { CommandTrust } from './command-trust.ts';
import { CommandVerifier } from './command-verifier.ts';
import { IdentitySet } from './identities.ts';
import { resolveSecurity } from './profile-schema.ts';
import { deriveSigningKey } from './signing-keys.ts';
import { CommandSigner } from './signed-command.ts';
import { Rng } from '../../core/rng.ts';

const config = resolveSecurity({ profile: 'hardened' });
const fleet = {
  site: 'h',
  zones: ['icu'],
  devices: [
    { id: 'pump-001', kind: 'infusion-pump', zone: 'icu' },
    { id: 'pump-002', kind: 'infusion-pump', zone: 'icu' },
  ],
};
const identities = IdentitySet.derive(5, fleet, config);
const trust = new CommandTrust(5, identities, config.roles);
const clinician = trust.signer('medtwin-console-clinician-icu');

function pumpVerifier(device = 'pump-001') {
  const clock = { t: 60_000 };
  const verifier = new CommandVerifier({
    device,
    issuers: trust.issuers,
    freshnessMs: 30_000,
    now: () => clock.t,
    permits: (role, type) => trust.permits('infusion-pump', role, type),
  });
  return { verifier, clock };
}

const bolus = { type: 'bolus', amount: 2 } as const;

describe('signed commands', () => {
  it('a fresh command signed by a clinician for this pump is accepted once; the same bytes again are a replay', () => {
    const { verifier } = pumpVerifier();
    const signed = clinician.sign('pump-001', bolus, 60_000);
    expect(verifier.verify(signed)).toEqual({ ok: true, issuer: 'medtwin-console-clinician-icu', role: 'clinician' });
    expect(verifier.verify(signed)).toMatchObject({ ok: false, reason: 'replayed' });
  });

  it('refuses unsigned, expired, future-dated, tampered, mis-addressed and wrongly-signed commands, each with its reason', () => {
    const { verifier, clock } = pumpVerifier();
    const reasons = (command: Record<string, unknown>) => {
      const result = verifier.verify(command);
      return result.ok ? 'accepted' : result.reason;
    };
    expect(reasons({ ...bolus })).toBe('unsigned');
    expect(reasons({ ...bolus, auth: { issuer: 'x' } })).toBe('malformed-signature');
    expect(reasons(clinician.sign('pump-001', bolus, 29_999))).toBe('expired');
    expect(reasons(clinician.sign('pump-001', bolus, 90_001))).toBe('from-the-future');
    expect(reasons({ ...clinician.sign('pump-001', bolus, 60_000), amount: 25 })).toBe('bad-signature');
    expect(reasons(clinician.sign('pump-002', bolus, 60_000))).toBe('bad-signature');
    // A key nobody provisioned, claiming to be the clinician.
    const forger = new CommandSigner('medtwin-console-clinician-icu', 'clinician', deriveSigningKey(6, 'attacker').privateKey, new Rng(1));
    expect(reasons(forger.sign('pump-001', bolus, 60_000))).toBe('bad-signature');
    const stranger = new CommandSigner('mallory', 'clinician', deriveSigningKey(6, 'attacker').privateKey, new Rng(1));
    expect(reasons(stranger.sign('pump-001', bolus, 60_000))).toBe('unknown-issuer');
    // The biomed's own valid signature, but biomed may not dose; and the twin may pause but not bolus.
    expect(reasons(trust.signer('medtwin-console-biomed-icu').sign('pump-001', bolus, 60_000))).toBe('role-not-permitted');
    expect(reasons(trust.signer('medtwin-twin').sign('pump-001', bolus, 60_000))).toBe('role-not-permitted');
    expect(reasons(trust.signer('medtwin-twin').sign('pump-001', { type: 'pause' }, 60_000))).toBe('accepted');
    const asOther = clinician.sign('pump-001', bolus, 60_000);
    expect(reasons({ ...asOther, auth: { ...asOther.auth, role: 'biomed' } })).toBe('role-mismatch');
    clock.t = 1_000_000;
    expect(reasons(clinician.sign('pump-001', { type: 'stop' }, 1_000_000))).toBe('accepted');
  });

  it('forgets nonces once their commands could no longer be fresh', () => {
    const { verifier, clock } = pumpVerifier();
    for (let i = 0; i < 10; i++) verifier.verify(clinician.sign('pump-001', { type: 'pause' }, 60_000));
    expect(verifier.remembered).toBe(10);
    clock.t = 100_000;
    verifier.verify(clinician.sign('pump-001', { type: 'resume' }, 100_000));
    expect(verifier.remembered).toBe(1);
  });

  it('signs the same bytes in every run of a seed (Ed25519 and seeded nonces are deterministic)', () => {
    const again = new CommandTrust(5, identities, config.roles).signer('medtwin-console-clinician-icu');
    const fresh = new CommandTrust(5, identities, config.roles).signer('medtwin-console-clinician-icu');
    expect(JSON.stringify(again.sign('pump-001', bolus, 1))).toBe(JSON.stringify(fresh.sign('pump-001', bolus, 1)));
    const otherSeed = new CommandTrust(6, IdentitySet.derive(6, fleet, config), config.roles).signer('medtwin-console-clinician-icu');
    expect(otherSeed.sign('pump-001', bolus, 1).auth.sig).not.toBe(fresh.sign('pump-001', bolus, 1).auth.sig);
  });
});
