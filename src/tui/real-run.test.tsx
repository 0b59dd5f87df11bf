import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { smallWard } from '../../test/helpers/plans.ts';
import { DEFAULT_DEPENDENCIES } from '../runtime/defaults.ts';
import { Run } from '../runtime/run.ts';
import { NO_FILTER } from './state/feed.ts';
import { KEY, mountApp } from './testing/mount.tsx';

afterEach(() => cleanup());

/**
 * The TUI on a real Run (embedded broker, real device agents over MQTT, fast mode): the same path as
 * `medtwin tui`, minus the terminal. Time moves only when the test steps it.
 */
describe('TUI on a real run', () => {
  it('opens the fleet, steps time, injects a sensor fault that raises an alarm, and quits cleanly', async () => {
    const run = new Run(smallWard({ durationMs: 30 * 60_000 }), DEFAULT_DEPENDENCIES, { port: 0, mode: 'fast' });
    const app = await mountApp(run, { columns: 110, rows: 32 });
    try {
      await app.controller.open();
      await app.flush(/broker mqtt:\/\/127\.0\.0\.1:\d+/);
      expect(app.frame()).toContain('Fleet · 8 devices');

      app.stdin.write('s');
      await vi.waitFor(() => expect(run.status()).toMatchObject({ simMs: 60_000, phase: 'paused' }), { timeout: 30_000 });
      await app.flush('00:01:00');

      await app.press('/', 'search id, kind or zone');
      await app.press('patient-monitor-001', '1 devices matching');
      await app.pressUntilGone(KEY.enter, 'search id, kind or zone');
      await app.press(KEY.enter, 'Patient monitor');
      expect(app.frame()).toMatch(/telemetry hr \d+/);

      await app.press('i', 'Inject on patient-monitor-001');
      await app.press('bias', '› sensor.bias');
      await app.press(KEY.enter, /signal +hr/);
      await app.press(KEY.down + KEY.right, /signal +spo2/);
      await app.press(KEY.down, /› offset/);
      await app.press('-40', /offset +-40/);
      await app.press(KEY.enter, 'injected sensor.bias on patient-monitor-001');

      app.stdin.write('s');
      await vi.waitFor(() => expect(run.status()).toMatchObject({ simMs: 120_000, phase: 'paused' }), { timeout: 30_000 });
      await app.flush('00:02:00');
      const frame = app.frame();
      expect(frame).toContain('faults    sensor.bias since 00:01:00');
      expect(frame).toMatch(/! spo2\.\S+ +active/);
      expect(app.store.model.feed.items(NO_FILTER).map((item) => item.text)).toContain(
        'fault sensor.bias injected {signal:spo2,offset:-40}',
      );
      await app.press('f', 'Filter the event feed');
      await app.press(KEY.left, 'high and above');
      await app.press(KEY.enter, 'filter: ≥ high');
      expect(app.frame()).toMatch(/ALARM high spo2\.\S+/);
      app.stdin.write('q');
      await vi.waitFor(() => expect(run.phase).toBe('finished'), { timeout: 30_000 });
    } finally {
      app.stdin.write('q');
      // The key and this call share one quit: stop the run, wait for its loop, close every connection.
      await app.controller.quit();
    }
  });
});
