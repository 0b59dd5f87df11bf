import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.tsx';
import { RunController } from '../controller.ts';
import { TuiStore } from '../store.ts';
import { tempDir } from '../../../test/helpers/report-streams.ts';
import { createTheme, ThemeProvider } from '../theme.tsx';
import { ev, FakeRun } from '../../../test/helpers/tui/fake-run.ts';
import { KEY, mountApp } from '../../../test/helpers/tui/mount.tsx';

afterEach(() => cleanup());

const pumpWard = () =>
  new FakeRun({
    devices: [
      ['pump-001', 'infusion-pump', 'icu'],
      ['monitor-001', 'patient-monitor', 'ward'],
    ],
    inject: true,
  });

describe('command console (c)', () => {
  it("offers the kind's commands from its schema and sends one that needs no fields", async () => {
    const run = pumpWard();
    const app = await mountApp(run);
    await app.press('c', 'Command pump-001 (Large-volume infusion pump)');
    for (const type of ['program', 'start', 'resume', 'bolus', 'acknowledge']) expect(app.frame()).toContain(type);
    await app.press('resu', '› resume');
    await app.press(KEY.enter, 'resume takes no fields');
    await app.press(KEY.enter, 'resume sent to pump-001 (twin-1)');
    expect(run.calls.filter((c) => c.method === 'command').map((c) => c.args)).toEqual([['pump-001', { type: 'resume' }]]);
    expect(app.controller.recorder.actions).toEqual([{ kind: 'command', at: 0, device: 'pump-001', command: { type: 'resume' } }]);
  });

  it('checks the form against the schema before sending anything', async () => {
    const run = pumpWard();
    const app = await mountApp(run);
    await app.press('c', 'Command pump-001');
    await app.press('bolus', '› bolus');
    await app.press(KEY.enter, /› amount\*/);
    await app.press(KEY.enter, /✗ infusion-pump does not accept this bolus: amount: /);
    expect(run.methods).not.toContain('command');
    await app.press('2.5', /amount\* +2\.5/);
    await app.press(KEY.enter, 'bolus sent to pump-001');
    expect(run.calls.find((c) => c.method === 'command')!.args).toEqual(['pump-001', { type: 'bolus', amount: 2.5 }]);
  });
});

describe('faults (x) and a fault not yet detected', () => {
  it('lists the faults acting on the device and ends the chosen one now', async () => {
    const run = pumpWard();
    run.active = [
      {
        eventId: 5,
        id: 'manual-1',
        fault: 'device.occlusion-downstream',
        category: 'device',
        device: 'pump-001',
        at: 60_000,
        until: null,
        params: {},
      },
    ];
    const app = await mountApp(run);
    run.emitEvents([
      ev(60_000, 'injector', 'fault.injected', {
        id: 'manual-1',
        fault: 'device.occlusion-downstream',
        device: 'pump-001',
        category: 'device',
      }),
    ]);
    // Injected, not yet alarmed: drawn with its own glyph, not as healthy.
    await app.flush(/\* pump-001/);
    expect(app.frame()).toContain('*1 fault not yet detected');
    await app.press('x', 'Faults on pump-001');
    expect(app.frame()).toContain('› device.occlusion-downstream (manual-1) since 00:01:00 until the end');
    await app.press(KEY.enter, 'ended device.occlusion-downstream on pump-001');
    expect(run.calls.find((c) => c.method === 'revert')!.args).toEqual(['manual-1', 'pump-001']);
  });
});

describe('event log (l) and inspector', () => {
  it('moves a cursor through the events, finds text, and shows one event in full with the expectation citing it', async () => {
    const run = new FakeRun({
      expectations: [
        { name: 'occlusion caught', type: 'detection', passed: true, measured: 1, threshold: '>= 1', message: '', evidence: [2] },
      ],
    });
    const app = await mountApp(run);
    run.emitEvents([
      ev(1000, 'cgm-001', 'state.changed', { from: 'warm-up', to: 'active' }),
      ev(2000, 'pump-001', 'alarm.raised', {
        alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Downstream occlusion', limit: 500 },
      }),
      ev(3000, 'monitor-001', 'state.changed', { from: 'off', to: 'monitoring' }),
    ]);
    await app.flush('off → monitoring');
    await app.press('l', 'Event log · 3 events · newest');
    await app.press(KEY.up, '1 back');
    await app.press(KEY.enter, 'Event #2');
    const frame = app.frame();
    expect(frame).toContain('alarm.raised at 00:00:02 (2000 ms) from pump-001');
    expect(frame).toContain('cited by ✓ occlusion caught');
    expect(frame).toContain('"limit": 500');
    await app.press(KEY.esc, 'Event log');
    await app.press('/', 'find in the event log');
    await app.press('warm', '1 events matching "warm"');
    await app.pressUntilGone(KEY.enter, 'find in the event log');
    await app.press(KEY.esc, 'Fleet');
  });
});

describe('pause on every injection (p)', () => {
  it('pauses the run when the scenario injects a fault, not when the user does', async () => {
    const run = pumpWard();
    const app = await mountApp(run);
    await app.press('p', 'will pause on every injection');
    await app.press(' ', 'running');
    run.emitEvents([
      ev(60_000, 'injector', 'fault.injected', { id: 'occlusion', fault: 'device.occlusion-downstream', device: 'pump-001' }),
    ]);
    await vi.waitFor(() => expect(run.methods).toContain('pause'));
    await app.press('', 'paused: device.occlusion-downstream injected on pump-001');
  });
});

describe('save the session (w)', () => {
  it('writes the event log so far and says what it could not write yet', async () => {
    const run = pumpWard();
    const dir = join(tempDir(), 'session');
    const store = new TuiStore(run, { expectationsEvery: 1 });
    store.attach();
    const controller = new RunController(run);
    await controller.open();
    const r = render(
      <ThemeProvider theme={createTheme(true)}>
        <App store={store} controller={controller} size={{ columns: 120, rows: 30 }} noticeMs={0} sessionDir={dir} />
      </ThemeProvider>,
    );
    await vi.waitFor(() => expect(r.stdin.listenerCount('readable')).toBeGreaterThan(0));
    run.emitEvents([ev(1000, 'pump-001', 'state.changed', { from: 'off', to: 'infusing' })]);
    r.stdin.write('w');
    await vi.waitFor(() => expect(r.lastFrame()).toContain(`saved events.jsonl in ${dir} (no report yet`), { timeout: 10_000 });
    expect(existsSync(join(dir, 'events.jsonl'))).toBe(true);
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe(
      '{"data":{"from":"off","to":"infusing"},"source":"pump-001","t":1000,"type":"state.changed"}\n',
    );
    await controller.quit();
  });
});

describe('mouse', () => {
  it('a click selects the device under it, a second click opens it', async () => {
    const run = new FakeRun();
    const app = await mountApp(run, { columns: 100, rows: 30 });
    // Rows: header 1–2, the fleet's title 3, zone icu 4, cgm-001 5, monitor-001 6, zone ward 7, pump-001 8.
    await app.press('\x1b[<0;5;8M', /›\* pump-001|›· pump-001/);
    await app.press('\x1b[<0;5;8M', 'Large-volume infusion pump');
  });
});

describe('restart (r, R)', () => {
  it('asks for the same seed with r and a new one with R', async () => {
    const run = new FakeRun();
    const store = new TuiStore(run);
    const controller = new RunController(run);
    const asked: (string | undefined)[] = [];
    const r = render(
      <ThemeProvider theme={createTheme(true)}>
        <App store={store} controller={controller} size={{ columns: 100, rows: 30 }} noticeMs={0} onRestart={(seed) => asked.push(seed)} />
      </ThemeProvider>,
    );
    await vi.waitFor(() => expect(r.stdin.listenerCount('readable')).toBeGreaterThan(0));
    r.stdin.write('r');
    r.stdin.write('R');
    await vi.waitFor(() => expect(asked).toEqual(['42', undefined]));
  });

  it('picks the next seed', async () => {
    const { nextSeed } = await import('../index.tsx');
    expect(nextSeed('41')).toBe('42');
    expect(nextSeed('ward')).toBe('ward+1');
  });
});
