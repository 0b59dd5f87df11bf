import { describe, expect, it } from 'vitest';
import { deriveSigningKey } from '../signing-keys.ts';
import { ADVISORIES, advisoriesFor, isVulnerable, weaknessesOf } from './catalogue.ts';
import { signImage, verifyImage } from './ota-image.ts';

describe('advisory catalogue', () => {
  it("marks old firmware vulnerable and the kinds' defaults patched", () => {
    expect(advisoriesFor('infusion-pump', '1.4.0').map((a) => a.id)).toEqual([
      'MEDTWIN-SA-2025-01',
      'MEDTWIN-SA-2025-02',
      'MEDTWIN-SA-2025-03',
    ]);
    expect([...weaknessesOf('infusion-pump', '2.5.0')]).toEqual(['replayable-commands', 'unsigned-firmware']);
    expect(isVulnerable('infusion-pump', '3.2.1')).toBe(false);
    expect(isVulnerable('patient-monitor', '1.0.0')).toBe(false);
    expect(isVulnerable('cgm', '1.0.0')).toBe(false);
    expect([...weaknessesOf('patient-monitor', '0.9.3')]).toEqual(['plaintext-telemetry']);
    expect(advisoriesFor('infusion-pump', 'not-a-version')).toEqual([]);
  });

  it('cites a real ICS medical advisory for every entry, and is fixed in a version it does not affect', () => {
    for (const a of ADVISORIES) {
      expect(a.modelledOn.length, a.id).toBeGreaterThan(0);
      for (const id of a.modelledOn) expect(id).toMatch(/^ICSMA-\d{2}-\d{3}-\d{2}$/);
      expect(isVulnerable(a.kind, a.fixedIn) && advisoriesFor(a.kind, a.fixedIn).includes(a), a.id).toBe(false);
    }
  });
});

describe('signed firmware images', () => {
  const vendor = deriveSigningKey(3, 'firmware/acme');
  const vendors = new Map([['acme', vendor.publicKey]]);
  const image = Buffer.from('pump firmware 3.3.0 — 0123456789');
  const policy = { kind: 'infusion-pump', current: '3.2.1', vendors };
  const reason = (check: ReturnType<typeof verifyImage>) => (check.ok ? `ok ${check.version}` : check.reason);

  it('installs a newer image signed by a trusted vendor', () => {
    expect(verifyImage(signImage('acme', 'infusion-pump', '3.3.0', image, vendor.privateKey), policy)).toEqual({
      ok: true,
      version: '3.3.0',
    });
  });

  it('rejects unsigned, downgraded, tampered, foreign and mis-targeted images with their reasons', () => {
    const good = signImage('acme', 'infusion-pump', '3.3.0', image, vendor.privateKey);
    expect(reason({ ...verifyImage({ manifest: good.manifest, image }, policy) })).toBe('unsigned');
    expect(reason(verifyImage(signImage('acme', 'infusion-pump', '2.9.0', image, vendor.privateKey), policy))).toBe('downgrade');
    expect(reason(verifyImage(signImage('acme', 'infusion-pump', '3.2.1', image, vendor.privateKey), policy))).toBe('not-newer');
    expect(reason(verifyImage({ ...good, image: Buffer.concat([image, Buffer.from('!')]) }, policy))).toBe('digest-mismatch');
    expect(reason(verifyImage({ ...good, manifest: { ...good.manifest, version: '9.0.0' } }, policy))).toBe('bad-signature');
    const rogue = deriveSigningKey(3, 'firmware/rogue');
    expect(reason(verifyImage(signImage('acme', 'infusion-pump', '3.3.0', image, rogue.privateKey), policy))).toBe('bad-signature');
    expect(reason(verifyImage(signImage('rogue', 'infusion-pump', '3.3.0', image, rogue.privateKey), policy))).toBe('unknown-vendor');
    expect(reason(verifyImage(signImage('acme', 'cgm', '3.3.0', image, vendor.privateKey), policy))).toBe('wrong-kind');
  });
});
