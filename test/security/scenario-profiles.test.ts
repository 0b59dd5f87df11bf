import { describe, expect, it } from 'vitest';
import { loadPlans } from '../../src/cli/load.ts';
import { withProfile } from '../../src/net/security/profile-schema.ts';
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
