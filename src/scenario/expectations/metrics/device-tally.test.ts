import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../../core/event-log.ts';
import { ev } from '../../../../test/helpers/expectation-fixtures.ts';
import { DeviceTally } from './device-tally.ts';

function tally(kind: string, events: SimEvent[]): DeviceTally {
  const t = new DeviceTally(events[0]!.source, kind);
  events.forEach((e, i) => t.onEvent({ ...e, id: i + 1 }));
  return t;
}

describe('DeviceTally', () => {
  it('stops counting expected volume once the pump goes idle without a program', () => {
    const idle: SimEvent = {
      t: 3_600_000,
      source: 'pump-001',
      type: 'telemetry',
      data: { seq: 3, body: { state: 'idle', drug: null, rate: 0, programmedRate: null, linePressure: 20 }, truth: {} },
    };
    const t = tally('infusion-pump', [
      ev.pump(0, 'pump-001', 'infusing', 10, 10),
      ev.pump(1_800_000, 'pump-001', 'infusing', 10, 8),
      idle,
      { ...idle, t: 7_200_000 },
    ]);
    // 30 min at 10 mL/h as programmed, then 30 min delivering 8 of 10; the idle hour counts for nothing.
    expect(t.dose()).toEqual({ expectedMl: 10, deliveredMl: 9, errorPct: 10 });
    expect(t.clinical()).toMatchObject({ expectedMl: 10, deliveredMl: 9 });
  });

  it('skips readings a hung device never showed, but keeps the patient truth', () => {
    const t = tally('cgm', [ev.cgm(300_000, 'cgm-001', 100, 100), ev.cgm(600_000, 'cgm-001', 300, 50, { silenced: true })]);
    expect(t.glucoseAccuracy()).toMatchObject({ n: 1, mard: 0 });
    expect(t.glycaemic()).toMatchObject({ n: 2, below70: 50 });
    expect(t.silenced).toBe(1);
  });

  it('tracks stale time, an open stretch counted to the end', () => {
    const t = tally('cgm', [
      ev.twin(100, 'twin.stale', 'cgm-001'),
      ev.twin(400, 'twin.fresh', 'cgm-001'),
      ev.twin(900, 'twin.stale', 'cgm-001'),
    ]);
    expect(t.staleMs(1000)).toBe(400);
    expect(t.stale).toBe(true);
    expect(t.staleEvents).toBe(2);
  });
});
