import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../core/event-log.ts';
import { attributeImpact } from './attribution.ts';
import { IMPACT_METRICS } from './registry.ts';

const MIN = 60_000;
const flag = (t: number, type: 'twin.stale' | 'twin.fresh', device = 'monitor-001'): SimEvent => ({
  t,
  source: 'twin',
  type,
  data: { device },
});
const metric = IMPACT_METRICS['devices-unavailable-minutes'];
const window = { devices: ['monitor-001'], from: 2 * MIN, to: 10 * MIN };
/** An access point's 30 s reboot at 3 min: the station marks the monitor stale for a minute and a quarter. */
const blip = [flag(3 * MIN, 'twin.stale'), flag(4.25 * MIN, 'twin.fresh')];

describe('attributeImpact', () => {
  it('charges the attack only with what the run without it lacks: 7 device-min with it, 1.25 without, 5.75 its doing', () => {
    const attacked = [flag(3 * MIN, 'twin.stale'), flag(11 * MIN, 'twin.fresh')];
    expect(attributeImpact(metric, attacked, window, { events: blip })).toEqual({ withAttack: 7, without: 1.25, attributed: 5.75 });
  });

  it('charges nothing when the scenario’s own fault costs the same with the attack as without it', () => {
    expect(attributeImpact(metric, blip, window, { events: blip })).toEqual({ withAttack: 1.25, without: 1.25, attributed: 0 });
  });

  it('never charges less than nothing, counts a counterfactual with nothing to judge as 0, and is the whole value without one', () => {
    const shorter = [flag(3 * MIN, 'twin.stale'), flag(3.5 * MIN, 'twin.fresh')];
    expect(attributeImpact(metric, shorter, window, { events: blip }).attributed).toBe(0);
    const dose = IMPACT_METRICS['dose-excess'];
    const pump = (t: number, amount: number, doseRatePerH: number): SimEvent => ({
      t,
      source: 'pump-001',
      type: 'telemetry',
      data: { delivered: { amount, doseRatePerH, doseUnit: 'U/h' } },
    });
    const reprogrammed = [
      pump(0, 0, 1000),
      pump(10 * MIN, 166.667, 1000),
      pump(10 * MIN + 1, 166.667, 3900),
      pump(40 * MIN, 2116.667, 3900),
    ];
    const pumpWindow = { devices: ['pump-001'], from: 10 * MIN, to: 40 * MIN };
    expect(attributeImpact(dose, reprogrammed, pumpWindow, { events: [] }).attributed).toBeCloseTo(1450, 0);
    expect(attributeImpact(metric, blip, window)).toEqual({ withAttack: 1.25, attributed: 1.25 });
    expect(attributeImpact(dose, [], pumpWindow, { events: reprogrammed })).toMatchObject({ withAttack: null, attributed: null });
  });
});
