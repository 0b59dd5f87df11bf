import { describe, expect, it } from 'vitest';
import { seriesCapacity, TuiStore } from './store.ts';
import { ev, FakeRun } from '../../test/helpers/tui/fake-run.ts';

describe('seriesCapacity', () => {
  it('keeps long charts for a ward and bounds memory for a large fleet', () => {
    expect(seriesCapacity(40)).toBe(720);
    expect(seriesCapacity(1000)).toBe(200);
    expect(seriesCapacity(50_000)).toBe(60);
  });
});

describe('TuiStore', () => {
  it('renders nothing until a flush, then applies every queued batch at once', () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    store.attach();
    let notified = 0;
    store.subscribe(() => notified++);
    run.emitEvents([ev(1000, 'cgm-001', 'state.changed', { from: 'warm-up', to: 'active' })]);
    run.emitEvents([ev(2000, 'cgm-001', 'alarm.raised', { alarm: { code: 'glucose.low', priority: 'medium', message: 'Low' } })]);
    expect(store.model.devices.get('cgm-001')!.state).toBe('active'); // from the agent's label at build
    expect(store.model.feed.size).toBe(0);
    expect(store.flush()).toBe(true);
    expect(notified).toBe(1);
    expect(store.model.feed.size).toBe(2);
    expect(store.getVersion()).toBe(1);
    expect(store.flush()).toBe(false);
    expect(notified).toBe(1);
  });

  it('stops listening when detached', () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    const detach = store.attach();
    detach();
    run.emitEvents([ev(1000, 'cgm-001', 'state.changed', { from: 'a', to: 'b' })]);
    store.flush();
    expect(store.model.feed.size).toBe(0);
  });

  it('marks a device offline only once it had been online', () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    store.flush();
    expect(store.model.devices.get('cgm-001')!.offline).toBe(false);
    run.twin.shadows.get('cgm-001')!.online = true;
    store.flush();
    run.twin.shadows.get('cgm-001')!.online = false;
    expect(store.flush()).toBe(true);
    expect(store.model.devices.get('cgm-001')!.offline).toBe(true);
  });

  it('keeps each device link state from its shadow, the ledger and the network faults acting on it', () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    const link = (id: string) => store.model.devices.get(id)!.link;
    store.flush();
    expect(link('cgm-001')).toBe('connecting');
    for (const shadow of run.twin.shadows.values()) shadow.online = true;
    store.flush();
    expect([link('cgm-001'), link('monitor-001'), link('pump-001')]).toEqual(['online', 'online', 'online']);
    // The monitor's link goes down: it keeps its numerics in its buffer (the ledger holds them).
    run.twin.shadows.get('monitor-001')!.online = false;
    for (let seq = 1; seq <= 3; seq++) {
      run.ledger.published('monitor-001', 'telemetry', seq, seq * 1000);
      run.ledger.held('monitor-001', 'telemetry', seq);
    }
    // The pump's zone meets a lossy access point; the CGM goes quiet in the twin.
    run.active = [{ id: 'lossy', fault: 'network.mqtt-drop', category: 'network', device: 'pump-001', at: 0, params: {} } as never];
    run.twin.shadows.get('cgm-001')!.stale = true;
    expect(store.flush()).toBe(true);
    expect([link('cgm-001'), link('monitor-001'), link('pump-001')]).toEqual(['degraded', 'offline', 'degraded']);
    expect(store.model.devices.get('monitor-001')!.buffered).toBe(3);
    // Back: sending its backlog, then caught up.
    run.twin.shadows.get('monitor-001')!.online = true;
    store.flush();
    expect(link('monitor-001')).toBe('backfilling');
    for (let seq = 1; seq <= 3; seq++) run.ledger.released('monitor-001', 'telemetry', seq, 10_000);
    store.flush();
    expect(link('monitor-001')).toBe('online');
  });

  it("follows the twin's link events: offline at the cut, backfilling its backlog on return, online once sent", () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    store.attach();
    for (const shadow of run.twin.shadows.values()) shadow.online = true;
    store.flush();
    const view = () => store.model.devices.get('monitor-001')!;
    run.emitEvents([ev(60_000, 'twin', 'twin.offline', { device: 'monitor-001', reason: 'will', lastSeen: 58_000 })]);
    store.flush();
    expect(view().link).toBe('offline');
    run.emitEvents([ev(120_000, 'twin', 'twin.online', { device: 'monitor-001', backlog: 42 })]);
    store.flush();
    expect([view().link, view().buffered]).toEqual(['backfilling', 42]);
    run.emitEvents([ev(121_000, 'twin', 'twin.backfilled', { device: 'monitor-001' })]);
    store.flush();
    expect([view().link, view().buffered]).toEqual(['online', 0]);
  });

  it('re-reads the status each flush and asks for live verdicts when it can', () => {
    const run = new FakeRun({
      expectations: [
        {
          name: 'occlusion detected',
          type: 'detection',
          passed: false,
          measured: null,
          threshold: '<= 300000 ms',
          message: 'not yet',
          evidence: [],
        },
      ],
    });
    const store = new TuiStore(run, { expectationsEvery: 1 });
    run.setStatus({ simMs: 60_000 });
    store.flush();
    expect(store.status.simMs).toBe(60_000);
    expect(store.expectations?.map((e) => e.name)).toEqual(['occlusion detected']);
    const bare = new TuiStore(new FakeRun());
    bare.flush();
    expect(bare.expectations).toBeUndefined();
  });
});

describe('TuiStore live verdicts (issue 18, broken 1)', () => {
  const verdict = (passed: boolean) => ({
    name: 'occlusion detected',
    type: 'detection',
    passed,
    measured: passed ? 1 : 0,
    threshold: 'sensitivity >= 1 within 5m',
    message: '',
    evidence: [],
  });

  it('judges again once the run pauses, even on a flush that brought no events', () => {
    const run = new FakeRun();
    let current = [verdict(false)];
    run.liveExpectations = () => current;
    const store = new TuiStore(run, { expectationsEvery: 10 });
    store.attach();
    store.flush();
    run.setStatus({ phase: 'running' });
    // Fast-forward: the detection arrives on a flush that is not one of the every-10th.
    current = [verdict(true)];
    run.emitEvents([ev(60_000, 'pump-001', 'alarm.raised', { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'x' } })]);
    store.flush();
    // Then the run pauses: nothing new arrives, but what is on screen must match the fleet and the feed.
    run.setStatus({ phase: 'paused' });
    run.paused = true;
    store.flush();
    expect(store.expectations?.[0]?.passed).toBe(true);
  });

  it('judges again on the final flush of a finished run', () => {
    const run = new FakeRun();
    let current = [verdict(false)];
    run.liveExpectations = () => current;
    const store = new TuiStore(run, { expectationsEvery: 10 });
    store.flush();
    run.setStatus({ phase: 'running', simMs: 1000 });
    store.flush();
    current = [verdict(true)];
    run.setStatus({ phase: 'finished', simMs: 2000 });
    store.flush();
    expect(store.expectations?.[0]?.passed).toBe(true);
  });
});

describe('TuiStore active faults', () => {
  it("shows an injection made while paused at once, from the run's timeline, before its event is sealed", () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    store.flush();
    run.active = [
      { eventId: 0, id: 'manual-1', fault: 'sensor.bias', category: 'sensor', device: 'cgm-001', at: 60_000, until: null, params: {} },
    ];
    expect(store.flush()).toBe(true);
    expect([...store.model.devices.get('cgm-001')!.faults.keys()]).toEqual(['manual-1']);
    run.active = [];
    expect(store.flush()).toBe(true);
    expect(store.model.devices.get('cgm-001')!.faults.size).toBe(0);
  });
});
