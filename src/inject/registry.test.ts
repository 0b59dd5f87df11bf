import type { AnyFaultDefinition } from './fault.ts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { Rng } from '../core/rng.ts';
import type { FaultSurface } from '../fleet/fault-surface.ts';
import { parseFaultParams } from './params.ts';
import { FAULTS, getFault, listFaults, type FaultName } from './registry.ts';

/** What a fault's compatibility check sees of a device kind, without building an agent. */
function surfaceOf(kind: keyof typeof DEVICES): FaultSurface {
  const d = DEVICES[kind];
  const refuse = () => {
    throw new Error('not used');
  };
  return {
    deviceId: `${kind}-001`,
    kind,
    zone: 'icu',
    measures: d.measures,
    conditions: d.conditions.map((c) => c.name),
    rng: new Rng(1),
    transformSignal: refuse,
    setCondition: refuse,
    silence: refuse,
    suppressAlarms: refuse,
    reboot: refuse,
    sendToMachine: refuse,
    skewClock: refuse,
    failNextInstall: refuse,
  };
}

describe('FAULTS', () => {
  it('is keyed by each fault’s own dotted name, with the category its prefix implies', () => {
    for (const [name, fault] of Object.entries(FAULTS)) {
      expect(fault.name).toBe(name);
      expect(name).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
      expect(fault.category).toBe(name.startsWith('device.') ? 'device' : name.startsWith('network.') ? 'network' : 'sensor');
      expect(fault.summary.length).toBeGreaterThan(10);
    }
  });

  it('names are a checked type', () => {
    expectTypeOf<'sensor.bias'>().toExtend<FaultName>();
    expectTypeOf<'sensor.nope'>().not.toExtend<FaultName>();
  });

  it('every fault works with no params at all (defaults) and rejects unknown ones', () => {
    for (const [name, fault] of Object.entries(FAULTS)) {
      expect(() => parseFaultParams(fault, {}), name).not.toThrow();
      expect(() => parseFaultParams(fault, { nonsense: 1 }), name).toThrow(/Unrecognized key/);
    }
  });

  it('durations in params arrive in milliseconds', () => {
    expect(parseFaultParams(FAULTS['sensor.lag'], {})).toEqual({ delay: 600_000 });
    expect(parseFaultParams(FAULTS['sensor.drift'], { tau: '30m' })).toMatchObject({ tau: 1_800_000, rate: 10, shape: 'linear' });
    expect(parseFaultParams(FAULTS['device.clock-skew'], { offset: '-1h' })).toEqual({ offset: -3_600_000 });
    expect(parseFaultParams(FAULTS['device.clock-skew'], { offset: -250 })).toEqual({ offset: -250 });
  });

  it('fits the real device kinds: each fault applies to the kinds that measure or react to what it needs', () => {
    const kinds = Object.keys(DEVICES) as (keyof typeof DEVICES)[];
    const table = Object.fromEntries(
      Object.entries(FAULTS)
        // Network faults act on links, zones, the site or the twin, not on a device (src/inject/network).
        .filter(([, fault]) => fault.category !== 'network')
        .map(([name, fault]) => [
          name,
          kinds.filter((k) => (fault as AnyFaultDefinition).incompatibility(surfaceOf(k)) === undefined).join(' '),
        ]),
    );
    expect(table).toMatchInlineSnapshot(`
      {
        "cgm.compression-low": "cgm",
        "device.air-in-line": "infusion-pump",
        "device.alarm-suppression": "infusion-pump patient-monitor cgm",
        "device.battery-drain": "infusion-pump",
        "device.cgm-sensor-error": "cgm",
        "device.clock-skew": "infusion-pump patient-monitor cgm",
        "device.door-open": "infusion-pump",
        "device.ecg-lead-off": "patient-monitor",
        "device.firmware-hang": "infusion-pump patient-monitor cgm",
        "device.flash-failure": "infusion-pump patient-monitor cgm",
        "device.nibp-cuff-error": "patient-monitor",
        "device.occlusion-downstream": "infusion-pump",
        "device.occlusion-upstream": "infusion-pump",
        "device.reboot": "infusion-pump patient-monitor cgm",
        "device.spo2-probe-off": "patient-monitor",
        "device.wrong-rate": "infusion-pump",
        "sensor.bias": "patient-monitor cgm",
        "sensor.calibration-error": "patient-monitor cgm",
        "sensor.drift": "patient-monitor cgm",
        "sensor.dropout": "patient-monitor cgm",
        "sensor.gain": "patient-monitor cgm",
        "sensor.lag": "patient-monitor cgm",
        "sensor.noise": "patient-monitor cgm",
        "sensor.spikes": "patient-monitor cgm",
        "sensor.stuck": "patient-monitor cgm",
      }
    `);
  });
});

describe('listFaults', () => {
  it('documents every fault and its params, sorted by name', () => {
    const list = listFaults();
    expect(list.map((f) => f.name)).toEqual(Object.keys(FAULTS).sort());
    expect(list.find((f) => f.name === 'sensor.lag')).toEqual({
      name: 'sensor.lag',
      category: 'sensor',
      summary: FAULTS['sensor.lag'].summary,
      params: [
        {
          name: 'signal',
          type: 'string',
          required: false,
          values: ['glucose', 'hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'],
          description: expect.stringContaining("device's first measured signal"),
        },
        { name: 'delay', type: 'number | string', required: false, default: '10m', description: 'How far behind the reading runs' },
      ],
    });
    expect(list.find((f) => f.name === 'device.reboot')?.params).toEqual([]);
  });
});

describe('errors', () => {
  it('an unknown fault name suggests the nearest one and lists the rest', () => {
    expect(() => getFault('sensor.bais', FAULTS, 'timeline[0].fault')).toThrow(
      /^timeline\[0\]\.fault: unknown fault "sensor.bais" — did you mean "sensor.bias"\? \(see `medtwin list faults`; known: sensor.bias, /,
    );
  });

  it('bad params: every problem at once, each with its path, what came and the fault', () => {
    expect(() =>
      parseFaultParams(FAULTS['sensor.spikes'], { probability: 2, magnitude: 'big', directon: 'up' }, 'timeline[3].params'),
    ).toThrowErrorMatchingInlineSnapshot(`
      [InputError: timeline[3].params.probability: Too big: expected number to be <=1, received 2 (sensor.spikes)
      timeline[3].params.magnitude: expected number, received "big" (sensor.spikes)
      timeline[3].params: Unrecognized key: "directon" — sensor.spikes takes signal, probability, magnitude, direction]
    `);
    expect(() => parseFaultParams(FAULTS['sensor.lag'], { delay: 'soon' })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: params.delay: expected a duration like "30s", "5m" or "1h30m", received "soon" (sensor.lag)]`,
    );
  });
});
