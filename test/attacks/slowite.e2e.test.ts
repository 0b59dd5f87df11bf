import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { IMPACT_METRICS } from '../../src/defense/impact/registry.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import type { Plan } from '../../src/scenario/plan.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';

const OPEN = 'scenarios/attacks/slowite.yaml';
const HARDENED = 'scenarios/attacks/slowite-hardened.yaml';
const DEVICES = ['patient-monitor-001', 'patient-monitor-002', 'infusion-pump-001', 'infusion-pump-002', 'cgm-001'];

async function run(plan: Plan) {
  const events: LoggedEvent[] = [];
  const result = await executeScenario(plan, { port: 0, onEvents: (batch) => events.push(...batch) });
  /** Device-minutes the central station had the ward's devices stale, from the attack's start to the end. */
  const unavailable = IMPACT_METRICS['devices-unavailable-minutes'].compute(events, { devices: DEVICES, from: 120_000, to: 600_000 })!;
  return { result, events, unavailable };
}

const withoutAttack = (plan: Plan): Plan => ({ ...plan, timeline: plan.timeline!.filter((e) => e.fault !== 'attack.slowite') });
/** The full hardened profile (mutual TLS, authentication); the access-point blip's proxies terminate TLS (docs/network.md). */
const hardened = (plan: Plan): Plan => ({
  ...plan,
  security: resolveSecurity({ profile: 'hardened' }),
  // The zone's consoles connect too under a profile: room for them, the spare slots kept.
  broker: { maxConnections: 16 },
});

/**
 * SlowITe on real sockets: the adversary's idle connections against the run's own broker, with its
 * connection cap, while the ICU's access point reboots for 30 s at 3 minutes.
 */
describe('attack.slowite', () => {
  it('open: the freed slots are taken, the devices coming back are refused for minutes, the idle sessions are seen; same digest twice', async () => {
    const plan = await loadScenarioFile(OPEN, SCENARIO_REGISTRIES);
    const attacked = await run(plan);
    expect(attacked.result.expectations.map((e) => [e.type, e.passed])).toEqual([
      ['detected', true],
      ['no-false-alerts', true],
      ['metric', true],
    ]);
    const accepted = attacked.events.filter((e) => e.type === 'attack.connect' && e.data.outcome === 'accepted');
    // The 6 spare slots at 2 minutes, then the 5 the devices' connections left at 3 minutes.
    expect(accepted.map((e) => e.t)).toEqual([...Array(6).fill(120_000), ...Array(5).fill(180_000)]);
    expect(attacked.events.some((e) => e.type === 'ids.alert' && e.data.rule === 'slow-connections')).toBe(true);
    // The same blip without the attack: the devices are back within a minute or so.
    const blip = await run(withoutAttack(plan));
    expect(blip.unavailable).toBeLessThan(5);
    expect(attacked.unavailable).toBeGreaterThan(blip.unavailable * 4);
    const again = await run(plan);
    expect(again.result.digest).toBe(attacked.result.digest);
  });

  it('hardened, through the same blip: no slot is held, so the blip costs what it costs without the attack', async () => {
    const plan = hardened(await loadScenarioFile(OPEN, SCENARIO_REGISTRIES));
    const attacked = await run(plan);
    expect(attacked.events.filter((e) => e.type === 'attack.connect').every((e) => e.data.outcome === 'refused')).toBe(true);
    expect(attacked.events.some((e) => e.type === 'ids.alert' && e.data.rule === 'refused-access')).toBe(true);
    const blip = await run(withoutAttack(plan));
    expect(attacked.unavailable).toBe(blip.unavailable);
  });

  it('prevented is judged against the same seed with the attack withheld: through the blip, hardened is prevented and open is not', async () => {
    const base = await loadScenarioFile(OPEN, SCENARIO_REGISTRIES);
    const judged = (plan: Plan): Plan => ({ ...plan, expectations: [{ type: 'prevented', name: 'the slots stay free', of: 'slowite' }] });
    const open = await run(judged(base));
    const [openVerdict] = open.result.expectations;
    expect(openVerdict).toMatchObject({ type: 'prevented', passed: false });
    // Charged with what the blip alone does not cost: both figures named.
    expect(openVerdict!.message).toMatch(/devices-unavailable-minutes [\d.]+ device-min \([\d.]+ with it, [\d.]+ without\)/);
    expect(open.result.counterfactual).toBeDefined();

    const plan = judged(hardened(base));
    const shut = await run(plan);
    expect(shut.unavailable).toBeGreaterThan(0);
    expect(shut.result.expectations[0]).toMatchObject({ type: 'prevented', passed: true });
    expect(shut.result.expectations[0]!.message).toContain('as much without the attack');
    expect(shut.result.ok).toBe(true);
    // The counterfactual is the run with the attack withheld, same seed and profile: the same digest as one run by hand.
    const withheld = await executeScenario(plan, { port: 0, withholdAttacks: true });
    expect(shut.result.counterfactual).toEqual({ digest: withheld.digest, events: withheld.events });
    expect(withheld.expectations[0]).toMatchObject({ passed: false, message: 'slowite was never launched' });
  });

  it('hardened: refused at the handshake, prevented and seen', async () => {
    const { result, events } = await run(await loadScenarioFile(HARDENED, SCENARIO_REGISTRIES));
    expect(result.expectations.map((e) => [e.type, e.passed])).toEqual([
      ['prevented', true],
      ['detected', true],
      ['no-false-alerts', true],
    ]);
    expect(events.filter((e) => e.type === 'attack.connect' && e.data.outcome === 'accepted')).toEqual([]);
  });
});
