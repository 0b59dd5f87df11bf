import { describe, expect, it } from 'vitest';
import { loadPlans } from '../../src/cli/load.ts';
import { resolveSecurity, withProfile } from '../../src/net/security/profile-schema.ts';
import { executeScenario } from '../../src/runtime/execute.ts';

/*
 * The library scenarios that send commands, under each profile: their commands go through the zones'
 * clinician consoles (signed, with a second factor under hardened), and every verdict stays what it is
 * under open (docs/security.md, "Verdicts under each profile").
 */
const WITH_COMMANDS = ['cgm-drift', 'patch-campaign', 'pump-occlusion', 'pump-power', 'triggered'];

describe('library scenarios with commands keep their verdicts under every profile', () => {
  for (const name of WITH_COMMANDS) {
    it(name, async () => {
      const [plan] = await loadPlans([`scenarios/${name}.yaml`]);
      const verdicts = (r: Awaited<ReturnType<typeof executeScenario>>) => r.expectations.map((e) => [e.name, e.passed]);
      const open = await executeScenario(plan!);
      expect(open.ok).toBe(true);
      for (const profile of ['baseline', 'hardened'] as const) {
        const result = await executeScenario({ ...plan!, security: withProfile(plan!.security, profile) });
        expect(verdicts(result), profile).toEqual(verdicts(open));
        expect(result.ok, profile).toBe(true);
        expect(result.security!.commands.viaConsole, profile).toBeGreaterThan(0);
        expect(result.security!.commands.refusedByDevices + result.security!.commands.deniedAtBroker, profile).toBe(0);
      }
    }, 120_000);
  }
});

/*
 * A network scenario under TLS: every client reaches the broker through fault proxies that terminate
 * TLS with the run CA (under hardened, mutual TLS: each proxy presents the device's own certificate
 * upstream). The zone's access point goes down and every device reconnects through it; the verdicts
 * are those of open, and TLS adds nothing to the event log: the digest is the one the same profile
 * gives with TLS off (docs/network.md#under-a-security-profile).
 */
describe('a network scenario under TLS', () => {
  it('zone-ap-failure: same verdicts as open under hardened, and the same digest with TLS on and off', async () => {
    const [plan] = await loadPlans(['scenarios/zone-ap-failure.yaml']);
    const verdicts = (r: Awaited<ReturnType<typeof executeScenario>>) => r.expectations.map((e) => [e.name, e.passed]);
    const open = await executeScenario(plan!);
    expect(open.ok).toBe(true);
    const hardened = await executeScenario({ ...plan!, security: withProfile(plan!.security, 'hardened') });
    expect(verdicts(hardened)).toEqual(verdicts(open));
    expect(hardened.security!.controls).toEqual(expect.arrayContaining(['tls', 'mutualTls']));
    // The devices did reconnect through the proxies (the access point came back), each by its own certificate.
    expect(hardened.security!.broker!.reconnects).toBeGreaterThan(0);
    expect(hardened.security!.broker!.refused).toBe(0);
    const plaintext = await executeScenario({
      ...plan!,
      security: resolveSecurity({ profile: 'hardened', controls: { tls: false, mutualTls: false } }),
    });
    expect(verdicts(plaintext)).toEqual(verdicts(open));
    expect(hardened.digest).toBe(plaintext.digest);
  }, 240_000);

  it('frozen-central-station: the hung station under baseline keeps open’s verdicts (its session is left undriven under its identity’s client id too)', async () => {
    const [plan] = await loadPlans(['scenarios/frozen-central-station.yaml']);
    const verdicts = (r: Awaited<ReturnType<typeof executeScenario>>) => r.expectations.map((e) => [e.name, e.passed]);
    const open = await executeScenario(plan!);
    const baseline = await executeScenario({ ...plan!, security: withProfile(plan!.security, 'baseline') });
    expect(verdicts(baseline)).toEqual(verdicts(open));
    expect(baseline.ok).toBe(true);
  }, 240_000);
});
