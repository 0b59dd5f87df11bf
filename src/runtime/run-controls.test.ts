import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { EventLog } from '../core/event-log.ts';
import { Rng } from '../core/rng.ts';
import { FAULTS } from '../inject/registry.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { resolveSecurity } from '../net/security/profile-schema.ts';
import type { Plan } from '../scenario/plan.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { parseTimeline } from '../../test/helpers/network-plans.ts';
import { openBroker, type BrokerHandle } from './broker-host.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import type { ConnectOptionsFor } from './fleet-builder.ts';
import { RunFleet } from './run-fleet.ts';
import { RunControls } from './run-controls.ts';

/** A fleet for `plan` and the controls over it, with the run's settle and the fleet's fence counted. */
function controlsFor(plan: Plan, ids?: boolean) {
  const clock = new SimClock();
  const log = new EventLog();
  const ledger = new DeliveryLedger();
  const rng = new Rng('7');
  const calls: string[] = [];
  const core = { plan, seed: '7', clock, log, ledger, rng, durationMs: plan.durationMs };
  const fleet = new RunFleet({ ...core, deps: DEFAULT_DEPENDENCIES, speed: 'max' });
  fleet.fence = async () => {
    calls.push('fence');
  };
  const controls = new RunControls({
    ...core,
    mode: 'fast',
    fleet,
    ...(ids === undefined ? {} : { ids }),
    stallMs: 5_000,
    settle: async () => {
      calls.push('settle');
    },
    notify: () => calls.push('notify'),
  });
  const events: { source: string; type: string }[] = [];
  log.onRecord((e) => events.push(e));
  return { controls, clock, log, agents: fleet.agents, calls, events };
}

describe('RunControls', () => {
  let broker: BrokerHandle | undefined;
  let controls: RunControls | undefined;
  afterEach(async () => {
    await controls?.closeAdversaries();
    await controls?.close();
    await broker?.close();
    broker = controls = undefined;
  });

  it('adds nothing to a plain run: direct path, no detector, no work at an instant, no network in the result', async () => {
    const run = controlsFor(smallWard());
    controls = run.controls;
    expect(controls.security).toBeUndefined();
    expect(controls.ids).toBeUndefined();
    expect(controls.targets).toBeUndefined();
    expect(controls.excused).toBeUndefined();
    expect(controls.sessions).toBeUndefined();
    expect(await controls.prepare(undefined)).toBeUndefined();
    const inner: ConnectOptionsFor = (_client, defaults) => defaults;
    expect(controls.connectOptions(inner)).toBe(inner);
    expect(controls.connectOptions(undefined)).toBeUndefined();
    expect(controls.observerEndpoint('mqtt://127.0.0.1:1', 'tui', 'icu')).toEqual({
      url: 'mqtt://127.0.0.1:1',
      identity: { clientId: 'tui' },
    });
    expect(controls.atInstant()).toBeUndefined();
    expect(controls.networkResult()).toBeUndefined();
    // The fault registry is the catalogue plus every attack, named as a timeline names them.
    expect(Object.keys(controls.faults)).toEqual(expect.arrayContaining([...Object.keys(FAULTS), 'attack.recon-wildcard']));
    expect(controls.faults['attack.recon-wildcard']!.category).toBe('attack');
  });

  it('runs the detector when the timeline names an attack, or when asked; not when told not to', () => {
    const attack = parseTimeline([{ at: '1m', fault: 'attack.recon-wildcard', target: { device: 'patient-monitor-001' } }]);
    expect(controlsFor(smallWard({ timeline: attack })).controls.ids).toBeDefined();
    expect(controlsFor(smallWard(), true).controls.ids).toBeDefined();
    expect(controlsFor(smallWard({ timeline: attack }), false).controls.ids).toBeUndefined();
  });

  it('launches a queued attack at the instant it is due: settles first, fences after, and records what the adversary did', async () => {
    const run = controlsFor(smallWard(), true);
    controls = run.controls;
    broker = await openBroker({ port: 0, placement: 'in-process' });
    await controls.open(broker);
    const device = run.agents[0]!;
    const fault = controls.faults['attack.recon-wildcard']!;
    const revert = fault.apply(device as never, fault.params.parse({}), {
      clock: run.clock,
      log: run.log,
      injectionId: 'attack.recon-wildcard#0',
    } as never);
    const launching = controls.atInstant();
    expect(launching).toBeInstanceOf(Promise);
    await launching;
    expect(run.calls).toEqual(['settle', 'fence', 'settle']);
    expect(controls.groundTruth.map((g) => g.attack)).toEqual(['attack.recon-wildcard']);
    (revert as () => void)();
    await controls.atInstant();
    expect(controls.atInstant()).toBeUndefined();
    const types = run.events.filter((e) => e.source === 'adversary').map((e) => e.type);
    expect(types[0]).toBe('attack.launched');
    expect(types).toContain('attack.subscribe');
    expect(types.at(-1)).toBe('attack.ended');
    // The detector tapped the broker: the wildcard subscription is an alert once the window is flushed.
    controls.seal(run.clock.now());
    expect(run.events.filter((e) => e.type === 'ids.alert').length).toBeGreaterThan(0);
  });

  it('puts a network between fleet and broker when the timeline names a network fault', async () => {
    const timeline = parseTimeline([{ at: '1m', fault: 'network.latency', target: { zone: 'icu' }, params: { latency: '200ms' } }]);
    const run = controlsFor(smallWard({ timeline }));
    controls = run.controls;
    expect(controls.targets).toBeDefined();
    expect(controls.excused?.()).toBe(0);
    broker = await openBroker({ port: 0, placement: 'in-process' });
    await controls.open(broker);
    const route = controls.connectOptions(undefined)!;
    const icu = run.agents.find((a) => a.zone === 'icu')!;
    const endpoint = route({ role: 'device', device: { id: icu.deviceId } } as never, { url: broker.url, identity: { clientId: 'x' } });
    // The device goes to its zone's fault listener, not straight to the broker.
    expect(new URL(endpoint.url).port).not.toBe(new URL(broker.url).port);
    expect(controls.networkResult()).toEqual({ fates: {}, listeners: expect.objectContaining({ 'zone:icu': expect.any(Object) }) });
  });

  it('applies a security profile: each device gets its command check, and an external broker is refused', async () => {
    const run = controlsFor(smallWard({ security: resolveSecurity({ profile: 'hardened' }) }));
    controls = run.controls;
    expect(controls.security?.active).toBe(true);
    expect(run.agents.every((a) => a.commandGate !== undefined)).toBe(true);
    await expect(controls.prepare('mqtt://127.0.0.1:1883')).rejects.toMatchObject({ code: 'E_SECURITY_BROKER' });
  });

  it('keeps an `open` profile on the direct path (its security part exists, reports, and adds no broker hooks)', async () => {
    const run = controlsFor(smallWard({ security: resolveSecurity({ profile: 'open' }) }));
    controls = run.controls;
    expect(controls.security?.active).toBe(false);
    expect(await controls.prepare('mqtt://127.0.0.1:1883')).toBeUndefined();
    const inner: ConnectOptionsFor = (_client, defaults) => defaults;
    expect(controls.connectOptions(inner)).toBe(inner);
    const result = controls.report({} as never);
    expect(result.security).toBeDefined();
  });
});
