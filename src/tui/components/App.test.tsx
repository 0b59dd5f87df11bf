import { NETWORK_FAULTS } from '../../inject/network/index.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { firmwareHang } from '../../inject/device/firmware-hang.ts';
import { drift } from '../../inject/sensor/drift.ts';
import { ev, FakeRun } from '../../../test/helpers/tui/fake-run.ts';
import { KEY, mountApp } from '../../../test/helpers/tui/mount.tsx';
import { NO_FILTER } from '../state/feed.ts';

afterEach(() => cleanup());

const faults = {
  'sensor.drift': drift,
  'device.firmware-hang': firmwareHang,
  'network.latency': NETWORK_FAULTS['network.latency'],
  'network.frozen-subscriber': NETWORK_FAULTS['network.frozen-subscriber'],
};

function wardRun(options: ConstructorParameters<typeof FakeRun>[0] = {}) {
  const run = new FakeRun({ faults, inject: true, ...options });
  return run;
}

describe('App overview', () => {
  it('shows the scenario, seed, clock, speed and broker URL, and the fleet by zone', async () => {
    const run = wardRun();
    await run.open();
    run.setStatus({ simMs: 3_723_000 });
    const app = await mountApp(run);
    await app.flush('01:02:03');
    const frame = app.frame();
    expect(frame).toContain('fake-ward');
    expect(frame).toContain('seed 42');
    expect(frame).toContain('01:02:03 / 06:00:00');
    expect(frame).toContain('max');
    expect(frame).toContain('mqtt://127.0.0.1:18830');
    expect(frame).toMatch(/icu cgm 1 · patient-monitor 1/);
    expect(frame).toMatch(/ward infusion-pump 1/);
  });

  it('colours a device by its worst condition and counts conditions per zone', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    run.emitEvents([
      ev(1000, 'pump-001', 'alarm.raised', { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Downstream occlusion' } }),
      ev(1000, 'twin', 'twin.stale', { device: 'monitor-001' }),
    ]);
    await app.flush('occlusion.downstream');
    const frame = app.frame();
    expect(frame).toMatch(/! pump-001/);
    expect(frame).toMatch(/\? monitor-001/);
    expect(frame).toContain('Fleet · 3 devices · !1 high alarm · ?1 stale · ·1 normal');
    expect(frame).toContain('ALARM high occlusion.downstream — Downstream occlusion');
  });

  it('shows IDS alerts in the feed with severity and techniques, and marks # the device an alert names', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    run.emitEvents([
      ev(2000, 'ids', 'ids.alert', {
        rule: 'unauthorized-command',
        severity: 'critical',
        techniques: ['T0855'],
        summary: 'forged command',
        clientId: 'intruder',
        device: 'pump-001',
        evidence: [3],
      }),
      ev(3000, 'ids', 'ids.alert', {
        rule: 'auth-brute-force',
        severity: 'medium',
        techniques: ['T1110', 'T0859'],
        summary: '12 failed logins as medtwin-twin',
        clientId: 'medtwin-twin',
        evidence: [4, 5],
      }),
    ]);
    await app.flush('auth-brute-force');
    const frame = app.frame();
    expect(frame).toContain('pump-001 IDS critical T0855 unauthorized-command: forged command');
    expect(frame).toContain('IDS medium T1110,T0859 auth-brute-force: 12 failed logins as medtwin-twin');
    expect(frame).toMatch(/# pump-001/);
    expect(frame).toContain('Fleet · 3 devices · #1 compromised · ·2 normal');
    const severities = app.store.model.feed.items(NO_FILTER).map((item) => [item.type, item.severity, item.device]);
    expect(severities).toEqual([
      ['ids.alert', 'high', 'pump-001'],
      ['ids.alert', 'medium', undefined],
    ]);
  });

  it('fits 80×24: no line wider than 80 and no more than 23 lines', async () => {
    const run = wardRun();
    const app = await mountApp(run, { columns: 80, rows: 24 });
    const lines = app.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('lays out at 160×45 with the feed filter open: the header stays on the first line (issue 18, broken 4)', async () => {
    const app = await mountApp(wardRun(), { columns: 160, rows: 45 });
    await app.press('f', 'Filter the event feed');
    const lines = app.frame().split('\n');
    expect(lines[0]).toMatch(/^ medtwin {2}fake-ward/);
    expect(lines.length).toBeLessThanOrEqual(44);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(160);
  });

  it('keeps state, clock and speed in an 80-column header and cuts the scenario name instead (issue 18, broken 4)', async () => {
    const run = wardRun();
    (run.plan as { name: string }).name = 'a-very-long-scenario-name-for-the-intensive-care-unit-night-shift';
    await run.open();
    run.setStatus({ simMs: 3_723_000, speed: 100, phase: 'running', achievedSpeed: 38 });
    const app = await mountApp(run, { columns: 80, rows: 24 });
    await app.press(' ', '▶ running');
    await app.flush('01:02:03');
    const header = app.frame().split('\n')[0]!;
    expect(header.length).toBeLessThanOrEqual(80);
    expect(header).toContain('▶ running');
    expect(header).toContain('01:02:03 / 06:00:00');
    expect(header).toContain('×100');
    expect(header).toContain('at ×38');
    expect(header).toMatch(/ a-very-\S*… seed 42 /);
  });

  it('says when the run cannot judge expectations live, and lists verdicts when it can', async () => {
    const bare = await mountApp(wardRun());
    expect(bare.frame()).toContain('live verdicts are not available for this run');
    cleanup();
    const judged = await mountApp(
      wardRun({
        expectations: [
          {
            name: 'occlusion detected',
            type: 'detection',
            passed: false,
            measured: null,
            threshold: '<= 300000 ms',
            message: '',
            evidence: [],
          },
        ],
      }),
    );
    // Nothing measured yet (its fault is still to come): pending, not failing.
    expect(judged.frame()).toContain('◌ occlusion detected — (<= 300000 ms)');
    expect(judged.frame()).toContain('0/1 passing so far · 1 pending');
  });
});

describe('App keys', () => {
  it('space starts, pauses and resumes; 1–4 set the speed; s steps one minute', async () => {
    const run = wardRun();
    await run.open();
    const app = await mountApp(run);
    expect(app.frame()).toContain('ready');
    await app.press(' ', 'running');
    await vi.waitFor(() => expect(run.methods).toContain('runToEnd'));
    await app.press(' ', 'paused');
    await app.press('3', 'speed: ×100');
    await app.flush('×100');
    await app.press('4', 'speed: as fast as the transport settles');
    await app.press('s', 'stepping 1m');
    expect(run.calls.filter((c) => ['pause', 'setSpeed', 'step'].includes(c.method))).toEqual([
      { method: 'pause', args: [] },
      { method: 'setSpeed', args: [100] },
      { method: 'setSpeed', args: ['max'] },
      { method: 'step', args: [60_000] },
    ]);
  });

  it('enter opens the selected device with its telemetry and chart; esc goes back', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    run.emitEvents([
      ev(300_000, 'cgm-001', 'telemetry', { body: { state: 'active', glucose: 150, trend: 'flat', alarms: [] }, truth: { glucose: 140 } }),
      ev(600_000, 'cgm-001', 'telemetry', { body: { state: 'active', glucose: 160, trend: 'flat', alarms: [] }, truth: { glucose: 141 } }),
    ]);
    await app.flush('glucose 160 mg/dL');
    await app.press(KEY.enter, 'Continuous glucose monitor');
    const frame = app.frame();
    expect(frame).toContain('telemetry glucose 160');
    expect(frame).toContain('• measured 160 · true 141');
    expect(frame).toContain('Events of cgm-001');
    await app.press(KEY.esc, 'Fleet');
  });

  it('keys typed faster than a render each act on the state the previous key left (issue 18, broken 3)', async () => {
    const run = wardRun({
      devices: [
        ['cgm-001', 'cgm', 'icu'],
        ['cgm-002', 'cgm', 'icu'],
        ['monitor-001', 'patient-monitor', 'icu'],
        ['pump-001', 'infusion-pump', 'icu'],
      ],
    });
    const app = await mountApp(run);
    // One chunk, as a paste or tmux send-keys delivers it: Down Down Down Up Enter → the third device.
    await app.press(KEY.down + KEY.down + KEY.down + KEY.up + KEY.enter, /Patient monitor · zone icu/);
    expect(app.frame()).toContain('monitor-001');
    await app.press(KEY.esc, 'Fleet');
    await app.press(KEY.up + KEY.up + KEY.enter, /Continuous glucose monitor/);
    expect(app.frame()).toMatch(/· cgm-001 /);
    await app.press(KEY.esc, 'Fleet');
    // A menu opened by a key takes the keys after it: "/" opens the search, "pump" goes into it, not to
    // the screen beneath (where "m" would silence and "p" do nothing).
    await app.press(`/pump${KEY.enter}${KEY.enter}`, /infusion pump · zone icu/);
    expect(run.methods).not.toContain('command');
  });

  // The bad interleavings of a loaded machine, forced: the key after "/" (or after ⏎) must wait for the
  // commit that opened (or closed) the search line, however late React's render comes.
  const late = {
    // Every scheduler task overruns React's 5 ms frame, so it yields after each one (load 17 on 2 cores).
    'React yields after every task': () => {
      let now = performance.now();
      const spy = vi.spyOn(performance, 'now').mockImplementation(() => (now += 10));
      return () => spy.mockRestore();
    },
    // The next turn of the event loop always comes before React's render task.
    "the event loop's next turn comes before React renders": () => {
      const real = globalThis.setImmediate;
      vi.stubGlobal('setImmediate', (fn: () => void) => {
        process.nextTick(fn);
        return real(() => {});
      });
      return () => vi.unstubAllGlobals();
    },
  };
  it.each(Object.keys(late) as (keyof typeof late)[])(
    'a key waits for the render its predecessor caused when %s (issue 18, broken 3)',
    async (name) => {
      const run = wardRun({
        devices: [
          ['cgm-001', 'cgm', 'icu'],
          ['pump-001', 'infusion-pump', 'icu'],
        ],
      });
      const app = await mountApp(run);
      const restore = late[name]();
      try {
        await app.press(`/pump${KEY.enter}${KEY.enter}`, /infusion pump · zone icu/);
        expect(app.frame()).toContain('pump-001');
        expect(run.methods).not.toContain('command');
      } finally {
        restore();
      }
    },
  );

  it("shows a pump's whole telemetry in its device view at 120 columns and wider (issue 18, broken 4)", async () => {
    const run = wardRun({ devices: [['pump-001', 'infusion-pump', 'ward']] });
    const app = await mountApp(run, { columns: 160, rows: 45 });
    const body = {
      state: 'infusing',
      drug: 'heparin',
      rate: 12.5,
      programmedRate: 12.5,
      doseRate: 1250,
      doseRateUnit: 'units/h',
      vtbi: 250,
      volumeInfused: 31.25,
      remaining: 218.75,
      linePressure: 42,
      battery: 87,
      firmware: '4.2.1',
      alarms: [],
    };
    run.emitEvents([ev(300_000, 'pump-001', 'telemetry', { body, delivered: { rateMlPerH: 12.5 } })]);
    await app.flush('heparin');
    await app.press(KEY.enter, 'Large-volume infusion pump');
    const frame = app.frame();
    for (const text of ['linePressure 42', 'volumeInfused 31.25', 'battery 87', 'remaining 218.75', 'firmware 4.2.1'])
      expect(frame).toContain(text);
  });

  it('a acknowledges through the run; m says when a kind has no silence command', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press('a', 'acknowledge sent to cgm-001');
    await app.press('/', 'search id, kind or zone');
    await app.press('pump', /› ?· pump-001/);
    await app.pressUntilGone(KEY.enter, 'search id, kind or zone');
    await app.press('m', 'infusion-pump has no silence command');
    expect(run.calls.filter((c) => c.method === 'command').map((c) => c.args)).toEqual([['cgm-001', { type: 'acknowledge' }]]);
  });

  it('/ narrows the fleet to matching devices; esc clears the search', async () => {
    const app = await mountApp(wardRun());
    await app.press('/', 'search id, kind or zone');
    await app.press('monitor', '1 devices matching "monitor" · ·1 normal');
    expect(app.frame()).not.toContain('pump-001');
    await app.press(KEY.esc, '3 devices');
  });

  it('i injects a registered fault with params prefilled from its schema', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press('i', 'Inject on cgm-001 (zone icu)');
    await app.press('drift', '› sensor.drift');
    await app.press(KEY.enter, 'Initial drift rate');
    expect(app.frame()).toMatch(/signal +glucose/);
    expect(app.frame()).toMatch(/tau +2h/);
    await app.press(KEY.down + KEY.down, /› rate/);
    await app.press('25', /rate +25/);
    await app.press(KEY.down + KEY.down + KEY.down, /› for/);
    await app.press('10m', /for +10m/);
    await app.press(KEY.enter, 'injected sensor.drift on cgm-001 for 10m');
    expect(run.calls.find((c) => c.method === 'inject')!.args).toEqual([
      'sensor.drift',
      { device: 'cgm-001' },
      { signal: 'glucose', rate: 25, shape: 'linear', tau: '2h' },
      600_000,
    ]);
  });

  it('the inject form shows schema errors and sends nothing until they are fixed', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press('i', 'Inject on');
    await app.press('drift', '› sensor.drift');
    await app.press(KEY.enter, 'Initial drift rate');
    await app.press(KEY.down + KEY.down, /› rate/);
    await app.press('fast', /rate +fast/);
    await app.press(KEY.enter, '✗ rate: Invalid input: expected number, received NaN');
    expect(run.methods).not.toContain('inject');
  });

  it('i can target the whole zone, and reports a failed injection', async () => {
    const run = wardRun({ injectError: 'sensor.drift does not apply to monitor-001 (it measures hr...)' });
    const app = await mountApp(run);
    await app.press('i', 'Inject on');
    await app.press('drift', '› sensor.drift');
    await app.press(KEY.enter, 'Initial drift rate');
    await app.press(KEY.right, /target +zone icu/);
    await app.press(KEY.enter, 'sensor.drift does not apply to monitor-001');
    expect(run.calls.find((c) => c.method === 'inject')!.args[1]).toEqual({ zone: 'icu' });
  });

  it('i injects a network fault on the link, the zone or the twin, with its params', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press('i', 'Inject on cgm-001 (zone icu)');
    await app.press('network.lat', '› network.latency');
    await app.press(KEY.enter, /target +link of cgm-001/);
    expect(app.frame()).toContain("←→ link of cgm-001 · zone icu · the twin's connection");
    expect(app.frame()).toMatch(/direction +both/);
    await app.press(KEY.right, /target +zone icu/);
    await app.press(KEY.down, /› latency/);
    await app.press('300ms', /latency +300ms/);
    await app.press(KEY.enter, 'injected network.latency on zone icu');
    expect(run.calls.find((c) => c.method === 'inject')!.args.slice(0, 2)).toEqual(['network.latency', { scope: 'zone', zone: 'icu' }]);
    expect(run.calls.find((c) => c.method === 'inject')!.args[2]).toMatchObject({ latency: '300ms' });
    // The frozen central station acts on the twin's connection: its only target.
    await app.press('i', 'Inject on cgm-001');
    await app.press('frozen', '› network.frozen-subscriber');
    await app.press(KEY.enter, /target +the twin's connection/);
    await app.press(KEY.enter, 'injected network.frozen-subscriber on the twin');
    expect(run.calls.filter((c) => c.method === 'inject')[1]!.args[1]).toEqual({ scope: 'twin' });
  });

  it('f filters the feed by severity', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    run.emitEvents([
      ev(1000, 'cgm-001', 'state.changed', { from: 'warm-up', to: 'active' }),
      ev(2000, 'pump-001', 'alarm.raised', { alarm: { code: 'battery.low', priority: 'medium', message: 'Battery low' } }),
    ]);
    await app.flush('warm-up → active');
    await app.press('f', 'Filter the event feed');
    await app.press(KEY.right + KEY.right + KEY.right, 'medium and above');
    await app.press(KEY.enter, 'filter: ≥ medium');
    expect(app.frame()).toContain('ALARM medium battery.low');
    expect(app.frame()).not.toContain('warm-up → active');
  });

  it('i on a finished run says so instead of offering to inject (issue 18, broken 7)', async () => {
    const run = wardRun();
    run.setStatus({ phase: 'finished' });
    const app = await mountApp(run);
    await app.press('i', 'the run has finished: r runs it again, w saves it');
    expect(app.frame()).not.toContain('Inject on');
  });

  it('? lists every key; any key closes the help', async () => {
    const app = await mountApp(wardRun(), { columns: 100, rows: 40 });
    await app.press('?', 'Keys');
    for (const text of [
      'space',
      'single-step',
      'inject a registered fault',
      'acknowledge',
      'silence',
      'search devices',
      'filter the event feed',
      'quit',
    ])
      expect(app.frame()).toContain(text);
    await app.press('x', 'Fleet');
  });

  it('q stops the run, waits for it, closes it, and exits', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press(' ', 'running');
    app.stdin.write('q');
    await vi.waitFor(() => expect(run.methods.slice(-2)).toEqual(['stop', 'close']));
    expect(run.status().phase).toBe('finished');
  });

  it('ctrl+c quits even from inside a menu', async () => {
    const run = wardRun();
    const app = await mountApp(run);
    await app.press('i', 'Inject on');
    app.stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(run.methods).toContain('close'));
  });
});
