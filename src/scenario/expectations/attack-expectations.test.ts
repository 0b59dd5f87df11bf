import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../core/event-log.ts';
import { createDetectedJudge } from './detected.ts';
import { createNoFalseAlertsJudge } from './no-false-alerts.ts';
import { createPreventedJudge } from './prevented.ts';

let nextId = 0;
const ev = (t: number, source: string, type: string, data: Record<string, unknown> = {}): LoggedEvent =>
  ({ id: ++nextId, t, source, type, data }) as LoggedEvent;
const A = { id: 'fp', attack: 'attack.forged-pause' };
const launch = (t: number, outcome: 'accepted' | 'refused') => [
  ev(t, 'adversary', 'attack.connect', { ...A, clientId: 'x', outcome, count: 1 }),
  ev(t, 'adversary', 'attack.launched', { ...A, device: 'pump-1', techniques: ['T0855'] }),
];
const ended = (t: number) => ev(t, 'adversary', 'attack.ended', { ...A, device: 'pump-1', sessions: 1, exposed: [] });

describe('prevented', () => {
  it('passes when the adversary was refused and the pump never acted; fails naming what a landed attack achieved', () => {
    const refused = createPreventedJudge({ type: 'prevented', name: 'p', of: 'fp' });
    refused.onEvents([...launch(120_000, 'refused'), ended(600_000)]);
    expect(refused.finish({ simulatedMs: 600_000 } as never)).toMatchObject({ passed: true, measured: 0 });

    const landed = createPreventedJudge({ type: 'prevented', name: 'p', of: 'attack.forged-pause' });
    landed.onEvents([
      ev(0, 'pump-1', 'state.changed', { from: 'self-test', to: 'infusing' }),
      ...launch(120_000, 'accepted'),
      ev(120_000, 'pump-1', 'command.received', { command: { type: 'pause' } }),
      ev(120_000, 'pump-1', 'state.changed', { from: 'infusing', to: 'paused' }),
      ended(600_000),
    ]);
    const verdict = landed.finish({ simulatedMs: 600_000 } as never);
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toContain('pump-1 acted on a command at');
    expect(verdict.message).toContain('therapy-interruption-minutes 8');
  });

  it('charges an impact by counterfactual: what the same seed shows without the attack (an access point’s reboot) is not the attack’s', () => {
    const S = { id: 'slow', attack: 'attack.slowite' };
    const flag = (t: number, type: string) => ev(t, 'twin', type, { device: 'monitor-1' });
    const attempt = [
      ev(120_000, 'adversary', 'attack.connect', { ...S, clientId: 'x', outcome: 'refused', count: 1 }),
      ev(120_000, 'adversary', 'attack.launched', { ...S, device: 'monitor-1', techniques: ['T0814'] }),
    ];
    const blip = [flag(180_000, 'twin.stale'), flag(255_000, 'twin.fresh')];
    const judge = () => {
      const j = createPreventedJudge({ type: 'prevented', name: 'p', of: 'slow' });
      j.onEvents([...attempt, ...blip]);
      return j;
    };
    // Alone, the run charges the blip's 1.25 device-min to the attack, and asks for the counterfactual.
    expect(judge().needsCounterfactual?.({ simulatedMs: 600_000 })).toBe(true);
    const alone = judge().finish({ simulatedMs: 600_000 });
    expect(alone).toMatchObject({ passed: false, measured: 1 });
    // Said in the verdict (the TUI's live panel has no counterfactual): the figure is an upper bound.
    expect(alone.message).toContain('every impact charged: not compared with the same run without its attacks');
    const counterfactual = { events: blip, digest: 'c'.repeat(64), count: 2 };
    const prevented = judge().finish({ simulatedMs: 600_000, counterfactual });
    expect(prevented).toMatchObject({ passed: true, measured: 0 });
    expect(prevented.message).toBe(
      '1 launch of slow achieved nothing (1 connection refused; devices-unavailable-minutes 1.25 device-min, as much without the attack)',
    );
    expect(judge().needsCounterfactual?.({ simulatedMs: 600_000, counterfactual })).toBe(false);
    // Held longer than the blip alone: the difference is charged, with both figures.
    const held = createPreventedJudge({ type: 'prevented', name: 'p', of: 'slow' });
    held.onEvents([...attempt, flag(180_000, 'twin.stale'), flag(420_000, 'twin.fresh')]);
    expect(held.finish({ simulatedMs: 600_000, counterfactual }).message).toContain(
      'devices-unavailable-minutes 2.75 device-min (4 with it, 1.25 without)',
    );
  });

  it('fails when the attack was never launched', () => {
    const judge = createPreventedJudge({ type: 'prevented', name: 'p', of: 'fp' });
    judge.onEvents([ev(0, 'pump-1', 'state.changed', { to: 'infusing' })]);
    expect(judge.finish()).toMatchObject({ passed: false, message: 'fp was never launched' });
  });
});

describe('detected', () => {
  it('measures MTTD from the launch to the first alert by one of the attack’s rules, within the limit', () => {
    const judge = createDetectedJudge({ type: 'detected', name: 'd', of: 'fp', within: 60_000 });
    judge.onEvents([
      ev(60_000, 'ids', 'ids.alert', { rule: 'unauthorized-command', severity: 'critical' }),
      ...launch(120_000, 'accepted'),
      ev(150_000, 'ids', 'ids.alert', { rule: 'unknown-client', severity: 'medium' }),
    ]);
    const verdict = judge.finish();
    expect(verdict).toMatchObject({ passed: true, measured: 30 });
    expect(verdict.message).toContain('MTTD 30 s (p50 30 s, p95 30 s)');
  });

  it('fails when the only alert is too late or by another rule', () => {
    const judge = createDetectedJudge({ type: 'detected', name: 'd', of: 'fp', within: 60_000, rules: ['unauthorized-command'] });
    judge.onEvents([
      ...launch(120_000, 'accepted'),
      ev(130_000, 'ids', 'ids.alert', { rule: 'unknown-client', severity: 'medium' }),
      ev(200_000, 'ids', 'ids.alert', { rule: 'unauthorized-command', severity: 'critical' }),
    ]);
    expect(judge.finish()).toMatchObject({ passed: false, measured: null });
  });
});

describe('no-false-alerts', () => {
  it('counts alerts above the severity outside every attack window, per hour', () => {
    const judge = createNoFalseAlertsJudge({ type: 'no-false-alerts', name: 'n', above: 'low', maxPerHour: 0 });
    judge.onEvents([
      ev(10_000, 'ids', 'ids.alert', { rule: 'seq-gap', severity: 'low' }),
      ...launch(120_000, 'accepted'),
      ev(120_000, 'ids', 'ids.alert', { rule: 'unauthorized-command', severity: 'critical' }),
      ended(300_000),
    ]);
    expect(judge.finish({ simulatedMs: 3_600_000 } as never)).toMatchObject({ passed: true, measured: 0 });

    const noisy = createNoFalseAlertsJudge({ type: 'no-false-alerts', name: 'n', above: 'low', maxPerHour: 1 });
    noisy.onEvents([
      ev(10_000, 'ids', 'ids.alert', { rule: 'unknown-client', severity: 'medium' }),
      ev(20_000, 'ids', 'ids.alert', { rule: 'unknown-client', severity: 'high' }),
    ]);
    const verdict = noisy.finish({ simulatedMs: 3_600_000 } as never);
    expect(verdict).toMatchObject({ passed: false, measured: 2 });
    expect(verdict.message).toContain('unknown-client (medium) at');
  });
});
