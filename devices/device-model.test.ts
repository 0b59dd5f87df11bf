import { describe, expect, it } from 'vitest';
import { rig } from '../test/helpers/device-rig.ts';
import type { AnyDeviceDescriptor } from './descriptor.ts';
import { infusionPump } from './infusion-pump/index.ts';
import { patientMonitor } from './patient-monitor/index.ts';

/** A device run for an hour, counting the events its plant hands its machine. */
function machineEvents(descriptor: AnyDeviceDescriptor, options: Parameters<typeof rig>[1], during: (r: ReturnType<typeof rig>) => void) {
  const r = rig(descriptor, options);
  let events = 0;
  const sample = r.model.plant.sample.bind(r.model.plant);
  r.model.plant.sample = (snapshot, input) => {
    const out = sample(snapshot, input);
    events += out.length;
    return out;
  };
  during(r);
  return events;
}

describe('a device model: machine beside plant', () => {
  it('lets a steady hour pass without a single event to the machine', () => {
    const NORMAL = { hr: 75, spo2: 98, rr: 14, temp: 36.8, sbp: 120, dbp: 78, map: 92 };
    expect(machineEvents(patientMonitor, { measured: NORMAL }, (r) => r.runTo(3_600_000))).toBe(0);
    const pump = { profile: { drug: 'normal-saline', rate: 100, vtbi: 1000 } };
    expect(machineEvents(infusionPump, pump, (r) => r.runTo(3_600_000))).toBe(0);
  });

  it('hands the machine the crossings, not the samples: an occlusion and its release are four events', () => {
    const events = machineEvents(infusionPump, { profile: { drug: 'normal-saline', rate: 100, vtbi: 1000 } }, (r) => {
      r.runTo(60_000);
      r.set({ 'occlusion.downstream': 1 });
      r.runTo(120_000);
      r.set({});
      r.runTo(180_000);
      expect(r.raised().map((a) => a.code)).toEqual(['occlusion.downstream']);
      expect(r.cleared()).toEqual(['occlusion.downstream']);
    });
    // Pressure over the limit; back under it (elevated) and under 80 % (normal) as the line empties;
    // and nothing in the minute the pump held, pressure saturating at the top.
    expect(events).toBeLessThanOrEqual(4);
    expect(events).toBeGreaterThanOrEqual(2);
  });

  it('follows a machine that moved on its own timer at that instant', () => {
    const r = rig(infusionPump, { profile: { drug: 'normal-saline', rate: 360, vtbi: 1000 }, settings: { selfTestMs: 2500 } });
    // The self-test ends at 2.5 s, between samples: the plant counts from then, not from the 3 s sample.
    r.runTo(3000);
    expect((r.model.plant as unknown as { volumeInfusedMl: number }).volumeInfusedMl).toBeCloseTo(0.05, 9);
  });
});
