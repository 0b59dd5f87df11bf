import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { Adversary } from '../../src/defense/adversary/adversary.ts';
import { ATTACKS } from '../../src/defense/attacks/registry.ts';
import { IMPACT_METRICS } from '../../src/defense/impact/registry.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { Run } from '../../src/runtime/run.ts';
import type { RunResult } from '../../src/scenario/result.ts';
import { smallWard } from '../helpers/plans.ts';
import { until } from '../helpers/until.ts';

const MIN = 60_000;

/** The IDS inside a real run: the embedded broker's traffic, alerts in the event log, impact from ground truth. */
describe('RunOptions.ids', () => {
  it('a clean ward raises no alert, though the detector saw all its traffic', async () => {
    const run = new Run(smallWard({ durationMs: 10 * MIN }), DEFAULT_DEPENDENCIES, { port: 0, ids: true });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    try {
      await run.open();
      await run.runToEnd();
    } finally {
      await run.close();
    }
    expect(run.ids?.available).toBe(true);
    expect(run.ids!.detector.stats.observations).toBeGreaterThan(100);
    expect(events.filter((e) => e.type === 'ids.alert')).toEqual([]);
  });

  it('a forged pause against a real pump mid-run: the pump stops, the alert enters the log at once, and the interruption is measured', async () => {
    const run = new Run(smallWard({ durationMs: 10 * MIN }), DEFAULT_DEPENDENCIES, { port: 0, ids: true });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    const pump = run.fleetPlan.devices.find((d) => d.kind === 'infusion-pump')!;
    let paused = false;
    run.log.onRecord((e) => {
      if (e.source === pump.id && e.type === 'state.changed' && e.data.to === 'paused') paused = true;
    });
    const adversary = new Adversary({ url: '', now: () => run.clock.now() });
    let result: RunResult | undefined;
    try {
      await run.open();
      const done = run.runToEnd();
      run.step(2 * MIN);
      await until(() => run.paused && run.phase === 'paused', 'the run to pause at 2 min', 30_000);
      const attacker = new Adversary({ url: run.brokerUrl!, now: () => run.clock.now() });
      const target = { site: run.fleetPlan.site, zone: pump.zone, kind: pump.kind, deviceId: pump.id, clientId: `medtwin-${pump.id}` };
      const attack = await ATTACKS['attack.forged-pause'].execute({ adversary: attacker, target, twinClientId: '' }, {});
      await until(() => paused, 'the pump to act on the forged pause');
      await attack.stop();
      run.resume();
      await done;
      result = run.result();
    } finally {
      await adversary.close();
      await run.close();
    }
    const alerts = events.filter((e) => e.type === 'ids.alert');
    expect(alerts.map((a) => [a.t, a.data.rule, a.data.severity, a.data.device])).toEqual([
      [2 * MIN, 'unauthorized-command', 'critical', pump.id],
      [2 * MIN, 'unknown-client', 'medium', undefined],
    ]);
    // The result carries the same alerts, numbered as the log numbered them, for every reporter.
    const ids = result!.ids!;
    expect(ids.available).toBe(true);
    expect(ids.alerts).toBe(2);
    expect(ids.bySeverity).toEqual({ critical: 1, medium: 1 });
    expect(ids.byRule).toEqual({ 'unauthorized-command': 1, 'unknown-client': 1 });
    expect(ids.first.map((a) => [a.eventId, a.rule, a.device])).toEqual(alerts.map((a) => [a.id, a.data.rule, a.data.device]));
    expect(ids.first[0]!.techniques).toContain('T0855');
    const window = { devices: [pump.id], from: 2 * MIN, to: 10 * MIN };
    expect(IMPACT_METRICS['therapy-interruption-minutes'].compute(events, window)).toBe(8);
    expect(IMPACT_METRICS['time-to-detection'].compute(events, window)).toBe(0);
    // Saline at 100 mL/h not given for 8 minutes: about 13 mL short.
    expect(IMPACT_METRICS['dose-excess'].compute(events, window)).toBeCloseTo(-13.3, 0);
  });

  it('hardened: a clean ward raises no alert above low, an outsider’s forged pause never reaches the pump, and its refused handshake is seen', async () => {
    const plan = smallWard({ durationMs: 10 * MIN, security: resolveSecurity({ profile: 'hardened' }) });
    const run = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0, ids: true });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    const pump = run.fleetPlan.devices.find((d) => d.kind === 'infusion-pump')!;
    const attacker = new Adversary({ url: '', now: () => run.clock.now() });
    try {
      await run.open();
      const done = run.runToEnd();
      run.step(2 * MIN);
      await until(() => run.paused && run.phase === 'paused', 'the run to pause at 2 min', 30_000);
      const adversary = new Adversary({ url: run.brokerUrl!, now: () => run.clock.now() });
      const target = { site: run.fleetPlan.site, zone: pump.zone, kind: pump.kind, deviceId: pump.id, clientId: `medtwin-${pump.id}` };
      const attack = await ATTACKS['attack.forged-pause'].execute({ adversary, target, twinClientId: '' }, {});
      expect(attack.sessions).toEqual([]);
      expect(adversary.actions.map((a) => a.action === 'connect' && a.outcome)).toEqual(['refused']);
      run.resume();
      await done;
    } finally {
      await attacker.close();
      await run.close();
    }
    expect(run.ids?.available).toBe(true);
    // The refused handshake is seen (a medium alert), and nothing else above low.
    expect(events.filter((e) => e.type === 'ids.alert' && e.data.severity !== 'low').map((e) => [e.data.rule, e.data.severity])).toEqual([
      ['refused-access', 'medium'],
    ]);
    expect(IMPACT_METRICS['therapy-interruption-minutes'].compute(events, { devices: [pump.id], from: 2 * MIN, to: 10 * MIN })).toBe(0);
  });
});
