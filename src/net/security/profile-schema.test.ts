import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScenarioError } from '../../scenario/diagnostics.ts';
import { parseScenario, type ScenarioRegistries } from '../../scenario/loader.ts';
import { PROFILES } from './controls.ts';
import { enabledControls, OPEN_SECURITY } from './profile-schema.ts';

const registries: ScenarioRegistries = {
  devices: { 'infusion-pump': { kind: 'infusion-pump', idPrefix: 'pump' } },
  faults: { 'device.reboot': { name: 'device.reboot', params: z.strictObject({}) } },
};

const scenario = (security: string) => `name: s
duration: 1h
fleet:
  zones:
    - id: icu
      beds: 2
      devices: { infusion-pump: 2 }
    - id: ward-a
      beds: 1
      devices: { infusion-pump: 1 }
${security}
`;

function errors(text: string, file = 's.yaml'): string[] {
  try {
    parseScenario(text, file, registries);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('the security field', () => {
  it('is absent from a plan that does not give it: the run is open', () => {
    const plan = parseScenario(scenario(''), 's.yaml', registries);
    expect(plan.security).toBeUndefined();
    expect(enabledControls(OPEN_SECURITY)).toEqual([]);
  });

  it('takes a profile name', () => {
    const plan = parseScenario(scenario('security: hardened'), 's.yaml', registries);
    expect(plan.security?.profile).toBe('hardened');
    expect(plan.security?.controls).toEqual(PROFILES.hardened);
    expect(plan.security?.lockout).toEqual({ attempts: 5, windowMs: 300_000, durationMs: 900_000 });
  });

  it('takes a mapping: a profile with single controls switched and settings filled in', () => {
    const plan = parseScenario(
      scenario(`security:
  profile: baseline
  controls: { tls: false, signedCommands: true }
  lockout: { attempts: 3, duration: 1m }
  roles:
    pharmacist: { permissions: [read] }
  consoles:
    - { role: pharmacist, zone: icu }`),
      's.yaml',
      registries,
    );
    expect(plan.security).toMatchObject({
      profile: 'baseline',
      controls: { ...PROFILES.baseline, tls: false, signedCommands: true },
      lockout: { attempts: 3, windowMs: 300_000, durationMs: 60_000 },
      consoles: [{ role: 'pharmacist', zone: 'icu' }],
    });
    expect(plan.security?.roles.pharmacist).toEqual({ permissions: ['read'], siteWide: false });
    expect(plan.security?.roles.clinician?.permissions).toContain('dose');
  });

  it('names file:line:col for an unknown control, a misspelt profile and a role with no permissions', () => {
    expect(
      errors(
        scenario(`security:
  profile: hardend
  controls: { tsl: true }
  roles:
    pharmacist: { permissions: [] }`),
      ),
    ).toMatchInlineSnapshot(`
      [
        "s.yaml:12:12 security.profile: expected one of "open", "baseline", "hardened", received "hardend" — did you mean "hardened"?",
        "s.yaml:13:13 security.controls: unknown field "tsl" — did you mean "acl"?",
        "s.yaml:15:32 security.roles.pharmacist.permissions: a role with no permissions can do nothing — give at least one of read, command, dose, firmware, sys, or remove the role",
      ]
    `);
  });

  it('explains a misspelt profile name given alone', () => {
    expect(errors(scenario('security: hardend'))).toMatchInlineSnapshot(`
      [
        "s.yaml:11:11 security: expected one of "open", "baseline", "hardened", received "hardend" — did you mean "hardened"?",
      ]
    `);
  });

  it('refuses a control switched on without the one it needs', () => {
    expect(errors(scenario('security: { profile: open, controls: { acl: true } }'))).toMatchInlineSnapshot(`
      [
        "s.yaml:11:45 security.controls.acl: acl needs authentication on: an ACL grants topics to identities, and without authentication every client is anonymous",
      ]
    `);
  });

  it("refuses certificate files of one's own under mutualTls, which needs the run's CA", () => {
    const found = errors(scenario('security: { profile: hardened, tls: { ca: ca.pem, cert: c.pem, key: k.pem } }'));
    expect(found.filter((line) => line.includes('security.tls:'))).toEqual([
      expect.stringMatching(/^s\.yaml:11:\d+ security\.tls: mutualTls issues each client a certificate from the run's own CA/),
    ]);
  });

  it('refuses a console with an unknown role or zone, and certificate files that do not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-sec-'));
    writeFileSync(join(dir, 'ca.pem'), 'x');
    const text = scenario(`security:
  profile: baseline
  consoles:
    - { role: clinican, zone: icu }
    - { role: biomed, zone: ward-b }
  tls: { ca: ca.pem, cert: missing-cert.pem, key: /nonexistent/key.pem }
  consent: { P-001: [research], P-009: [research] }`);
    const lines = errors(text, join(dir, 's.yaml')).map((line) => line.replace(dir, '<dir>').replace(dir, '<dir>'));
    expect(lines).toMatchInlineSnapshot(`
      [
        "<dir>/s.yaml:14:15 security.consoles[0].role: unknown role "clinican" — did you mean "clinician"? (roles: clinician, biomed, security)",
        "<dir>/s.yaml:15:29 security.consoles[1].zone: unknown zone "ward-b" — did you mean "ward-a"? (zones: icu, ward-a)",
        "<dir>/s.yaml:16:28 security.tls.cert: no such file: "missing-cert.pem" (looked for <dir>/missing-cert.pem)",
        "<dir>/s.yaml:16:51 security.tls.key: no such file: "/nonexistent/key.pem" (looked for /nonexistent/key.pem)",
        "<dir>/s.yaml:17:33 security.consent.P-009: unknown patient "P-009" — did you mean "P-001"? (patients: P-001, P-002, P-003)",
      ]
    `);
  });
});

describe('the examples in docs/security.md and docs/advisories.md', () => {
  const docs = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', name), 'utf8');
  const yamlBlocks = (text: string) => [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const fleet = `fleet:
  zones:
    - id: icu
      beds: 4
      devices: { infusion-pump: 4 }
`;

  it('every security example loads in a scenario around it', () => {
    const blocks = yamlBlocks(docs('security.md')).filter((b) => b.startsWith('security:'));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks)
      expect(() => parseScenario(`name: docs\nduration: 1h\n${fleet}${block}`, 'docs/security.md', registries), block).not.toThrow();
  });

  it('the vulnerable-fleet example loads', () => {
    const [block] = yamlBlocks(docs('advisories.md'));
    expect(() => parseScenario(`name: docs\nduration: 1h\n${block}`, 'docs/advisories.md', registries)).not.toThrow();
  });
});
