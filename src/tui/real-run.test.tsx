import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { smallWard } from '../../test/helpers/plans.ts';
import { resolveSecurity } from '../net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../runtime/defaults.ts';
import { Run } from '../runtime/run.ts';
import { NO_FILTER } from './state/feed.ts';
import { KEY, mountApp } from '../../test/helpers/tui/mount.tsx';

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

  it('under baseline: the header names the profile, and the traffic view reads the pump over TLS as a console of its zone', async () => {
    const plan = smallWard({ durationMs: 30 * 60_000, security: resolveSecurity({ profile: 'baseline' }) });
    const run = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0, mode: 'fast' });
    const app = await mountApp(run, { columns: 120, rows: 32 });
    try {
      await app.controller.open();
      await app.flush(/broker mqtts:\/\/127\.0\.0\.1:\d+ · security baseline/);
      await app.press('/', 'search id, kind or zone');
      await app.press('infusion-pump-001', '1 devices matching');
      await app.pressUntilGone(KEY.enter, 'search id, kind or zone');
      await app.press('t', /Traffic of infusion-pump-001/);
      await app.flush(/as medtwin-console-biomed-icu/);
      // Subscribed once the device's retained status has come back through the broker's ACL.
      await vi.waitFor(() => expect(app.frame()).toMatch(/status +retained/), { timeout: 10_000 });
      app.stdin.write('s');
      await vi.waitFor(() => expect(run.status()).toMatchObject({ simMs: 60_000, phase: 'paused' }), { timeout: 30_000 });
      await vi.waitFor(() => expect(app.frame()).toMatch(/telemetry +#\d+ \{/), { timeout: 10_000 });
      expect(app.frame()).not.toContain('cannot subscribe');
    } finally {
      app.stdin.write('q');
      await app.controller.quit();
    }
  });

  it('clears a hand-made occlusion: ends the fault, waits for the pressure to fall, resumes the pump from the console', {
    timeout: 120_000,
  }, async () => {
    const run = new Run(smallWard({ durationMs: 30 * 60_000 }), DEFAULT_DEPENDENCIES, { port: 0, mode: 'fast' });
    const app = await mountApp(run, { columns: 120, rows: 36 });
    const stepTo = async (minute: number) => {
      app.stdin.write('s');
      await vi.waitFor(() => expect(run.status()).toMatchObject({ simMs: minute * 60_000, phase: 'paused' }), { timeout: 30_000 });
      app.store.flush();
    };
    try {
      await app.controller.open();
      await app.flush(/broker mqtt:\/\/127\.0\.0\.1:\d+/);
      await stepTo(1);
      await app.press('/', 'search id, kind or zone');
      await app.press('infusion-pump-001', '1 devices matching');
      await app.pressUntilGone(KEY.enter, 'search id, kind or zone');
      await app.press(KEY.enter, 'Large-volume infusion pump');
      await app.press('i', 'Inject on infusion-pump-001');
      await app.press('occlusion-d', '› device.occlusion-downstream');
      await app.press(KEY.enter, /› target/);
      await app.press(KEY.enter, 'injected device.occlusion-downstream on infusion-pump-001');
      // The line pressure builds until the pump alarms and stops the flow.
      let minute = 1;
      while (!/! occlusion\.downstream +active/.test(app.frame()) && minute < 10) await stepTo(++minute);
      expect(app.frame()).toMatch(/state hold/);
      // The MQTT traffic of the pump, seen by the TUI's own client, beside its shadow.
      await app.press('t', 'Traffic of infusion-pump-001');
      // Subscribed once the retained state shows; then time moves and telemetry flows past.
      await vi.waitFor(() => expect(app.frame()).toMatch(/state +retained #\d+ \{(?:[^{}]*,)?state:hold\}/), { timeout: 10_000 });
      await stepTo(++minute);
      await vi.waitFor(() => expect(app.frame()).toMatch(/telemetry +#\d+ \{alarms:\[occlusion\.downstream\]/), { timeout: 10_000 });
      expect(app.frame()).toMatch(/telemetry \d+ · [\d.]+\/s/);
      expect(app.frame()).toContain('twin shadow');
      await app.press(KEY.esc, 'Large-volume infusion pump');
      // End the fault now; the pressure relaxes and the alarm clears; then resume from the console.
      await app.press('x', 'Faults on infusion-pump-001');
      await app.press(KEY.enter, 'ended device.occlusion-downstream on infusion-pump-001');
      const stop = minute + 10;
      while (/occlusion\.downstream +active/.test(app.frame()) && minute < stop) await stepTo(++minute);
      await app.press('c', 'Command infusion-pump-001');
      await app.press('resume', '› resume');
      await app.press(KEY.enter, 'resume takes no fields');
      await app.press(KEY.enter, 'resume sent to infusion-pump-001');
      await stepTo(++minute);
      expect(app.frame()).toMatch(/state infusing/);
      expect(
        app.store.model.devices
          .get('infusion-pump-001')!
          .events.items(NO_FILTER)
          .map((i) => i.text),
      ).toContain('command resume accepted');
      expect(app.controller.recorder.actions.map((a) => a.kind)).toEqual(['inject', 'command']);
    } finally {
      await app.controller.quit();
    }
  });
});
