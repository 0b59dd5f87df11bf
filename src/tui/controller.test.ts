import { describe, expect, it } from 'vitest';
import { RunController } from './controller.ts';
import { FakeRun } from '../../test/helpers/tui/fake-run.ts';

describe('RunController', () => {
  it('space starts the run once, then pauses and resumes it', async () => {
    const run = new FakeRun();
    const c = new RunController(run);
    expect(c.toggle()).toBe('running');
    await Promise.resolve();
    expect(c.toggle()).toBe('paused');
    expect(c.toggle()).toBe('resumed');
    await c.open();
    expect(run.methods).toEqual(['open', 'runToEnd', 'pause', 'resume']);
  });

  it('a step before the start sets the budget first, so the run pauses after it', async () => {
    const run = new FakeRun();
    const c = new RunController(run);
    expect(c.step(60_000)).toBe('stepping 1m');
    await c.open();
    await Promise.resolve();
    expect(run.calls.slice(0, 3)).toEqual([
      { method: 'step', args: [60_000] },
      { method: 'open', args: [] },
      { method: 'runToEnd', args: [] },
    ]);
  });

  it('sends acknowledge to every kind, and silence only where the kind has that command', () => {
    const run = new FakeRun();
    const c = new RunController(run);
    expect(c.acknowledge('cgm-001')).toBe('acknowledge sent to cgm-001 (twin-1)');
    expect(c.silence('monitor-001')).toBe('silence sent to monitor-001 (twin-1)');
    expect(c.silence('pump-001')).toBe('infusion-pump has no silence command — press a to acknowledge instead');
    expect(run.calls.filter((x) => x.method === 'command').map((x) => x.args)).toEqual([
      ['cgm-001', { type: 'acknowledge' }],
      ['monitor-001', { type: 'silence' }],
    ]);
  });

  it('reports injection results and failures as messages', async () => {
    const ok = new RunController(new FakeRun({ inject: true }));
    expect(await ok.inject({ fault: 'sensor.drift', selector: { device: 'cgm-001' }, params: { rate: 5 }, forMs: 600_000 })).toEqual({
      ok: true,
      message: 'injected sensor.drift on cgm-001 for 10m',
    });
    const failing = new RunController(new FakeRun({ injectError: 'sensor.drift does not apply to pump-001' }));
    expect(await failing.inject({ fault: 'sensor.drift', selector: { device: 'pump-001' }, params: {}, forMs: undefined })).toEqual({
      ok: false,
      message: 'sensor.drift does not apply to pump-001',
    });
    const without = new RunController(new FakeRun());
    expect((await without.inject({ fault: 'x', selector: { zone: 'icu' }, params: {}, forMs: undefined })).ok).toBe(false);
  });

  it('quitting stops the run, waits for its loop, then closes it — once', async () => {
    const run = new FakeRun();
    const c = new RunController(run);
    c.toggle();
    await Promise.all([c.quit(), c.quit()]);
    expect(run.methods).toEqual(['open', 'runToEnd', 'stop', 'close']);
    expect(run.status().phase).toBe('finished');
    expect(c.toggle()).toBe('quitting');
  });
});

describe('RunController after the end (issue 18, broken 7)', () => {
  it('refuses to inject into a finished run instead of saying it injected', async () => {
    const run = new FakeRun({ inject: true });
    run.setStatus({ phase: 'finished' });
    const c = new RunController(run);
    const outcome = await c.inject({ fault: 'sensor.drift', selector: { device: 'cgm-001' }, params: {}, forMs: undefined });
    expect(outcome).toEqual({ ok: false, message: 'the run has finished — press r to run it again, q to quit' });
    expect(run.methods).not.toContain('inject');
  });

  it('key 4 says what max does not keep, when the run says so', () => {
    const run = new FakeRun();
    const c = new RunController(run);
    expect(c.setSpeed('max')).toBe('speed: as fast as the transport settles');
    run.maxSpeedNote = 'network faults keep a wall-clock keep-alive at max';
    expect(c.setSpeed('max')).toBe('speed: as fast as the transport settles — network faults keep a wall-clock keep-alive at max');
    expect(c.setSpeed(10)).toBe('speed: ×10');
  });
});
