import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { Adversary } from '../../src/defense/adversary/adversary.ts';
import { ATTACKS } from '../../src/defense/attacks/registry.ts';
import { IMPACT_METRICS } from '../../src/defense/impact/registry.ts';
import { securityAlertTopic } from '../../src/net/topics.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { Run } from '../../src/runtime/run.ts';
import type { RunResult } from '../../src/scenario/result.ts';
import { smallWard } from '../helpers/plans.ts';
import { until } from '../helpers/until.ts';

const MIN = 60_000;

/** The IDS inside a real run: the embedded broker's traffic, alerts in the event log, impact from ground truth. */
describe('RunOptions.ids', () => {
  it('refuses a broker it cannot tap, before anything connects: alerts, verdicts and digest would differ from the embedded broker', async () => {
    const external = new Run(smallWard({ durationMs: MIN }), DEFAULT_DEPENDENCIES, { brokerUrl: 'mqtt://127.0.0.1:1', ids: true });
    try {
      await expect(external.open()).rejects.toMatchObject({
        code: 'E_IDS_BROKER',
        message: expect.stringMatching(/drop --broker, or set `ids: false`/),
      });
    } finally {
      await external.close();
    }
    const child = new Run(smallWard({ durationMs: MIN }), DEFAULT_DEPENDENCIES, { port: 0, brokerPlacement: 'child-process', ids: true });
    try {
      await expect(child.open()).rejects.toMatchObject({ code: 'E_IDS_BROKER' });
    } finally {
      await child.close();
    }
  });

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
    let siem: MqttClient | undefined;
    let wildcard: MqttClient | undefined;
    const onSiem: { topic: string; alert: Record<string, unknown> }[] = [];
    const onWildcard: string[] = [];
    try {
      await run.open();
      const done = run.runToEnd();
      run.step(2 * MIN);
      await until(() => run.paused && run.phase === 'paused', 'the run to pause at 2 min', 30_000);
      // A SIEM on the security topic, and an eavesdropper's "#" that must not see it.
      siem = await mqtt.connectAsync(run.brokerUrl!, { clientId: 'siem', reconnectPeriod: 0 });
      siem.on('message', (topic, payload) => onSiem.push({ topic, alert: JSON.parse(payload.toString('utf8')) }));
      await siem.subscribeAsync(securityAlertTopic(run.fleetPlan.site), { qos: 1 });
      wildcard = await mqtt.connectAsync(run.brokerUrl!, { clientId: 'wildcard', reconnectPeriod: 0 });
      wildcard.on('message', (topic) => onWildcard.push(topic));
      await wildcard.subscribeAsync('#', { qos: 0 });
      const attacker = new Adversary({ url: run.brokerUrl!, now: () => run.clock.now() });
      const target = { site: run.fleetPlan.site, zone: pump.zone, kind: pump.kind, deviceId: pump.id, clientId: `medtwin-${pump.id}` };
      const attack = await ATTACKS['attack.forged-pause'].execute({ adversary: attacker, target, twinClientId: '' }, {});
      await until(() => paused, 'the pump to act on the forged pause');
      await attack.stop();
      run.resume();
      await done;
      await until(() => onSiem.length >= events.filter((e) => e.type === 'ids.alert').length, 'every alert on the security topic');
      result = run.result();
    } finally {
      await siem?.endAsync();
      await wildcard?.endAsync();
      await adversary.close();
      await run.close();
    }
    const alerts = events.filter((e) => e.type === 'ids.alert');
    const observers = ['siem', 'wildcard'];
    expect(
      alerts.filter((a) => !observers.includes(a.data.clientId as string)).map((a) => [a.t, a.data.rule, a.data.severity, a.data.device]),
    ).toEqual([
      [2 * MIN, 'unauthorized-command', 'critical', pump.id],
      [2 * MIN, 'unknown-client', 'medium', undefined],
    ]);
    // The test's own observers are strangers on an open broker too: the detector says so.
    expect(alerts.filter((a) => observers.includes(a.data.clientId as string)).map((a) => [a.data.clientId, a.data.rule])).toEqual(
      expect.arrayContaining([
        ['siem', 'unknown-client'],
        ['siem', 'sys-probe'],
        ['wildcard', 'unknown-client'],
      ]),
    );
    // The result carries the same alerts, numbered as the log numbered them, for every reporter.
    const ids = result!.ids!;
    expect(ids.available).toBe(true);
    expect(ids.alerts).toBe(alerts.length);
    expect(ids.bySeverity.critical).toBe(1);
    expect(ids.byRule['unauthorized-command']).toBe(1);
    expect(ids.byRule['unknown-client']).toBe(3);
    expect(ids.first.map((a) => [a.eventId, a.rule, a.device])).toEqual(alerts.map((a) => [a.id, a.data.rule, a.data.device]));
    expect(ids.first[0]!.techniques).toContain('T0855');
    // Each alert also went out on the site's security topic, and never to a "#" subscriber ($SYS).
    // (in the detector's order, which the log's canonical order need not keep)
    const line = (topic: unknown, t: unknown, rule: unknown, client: unknown) => JSON.stringify([topic, t, rule, client]);
    expect(onSiem.map((m) => line(m.topic, m.alert.t, m.alert.rule, m.alert.clientId)).sort()).toEqual(
      alerts.map((a) => line(`$SYS/medtwin/${run.fleetPlan.site}/security/alerts`, a.t, a.data.rule, a.data.clientId)).sort(),
    );
    expect(onWildcard.filter((t) => t.startsWith('$'))).toEqual([]);
    expect(onWildcard.length).toBeGreaterThan(0);
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
