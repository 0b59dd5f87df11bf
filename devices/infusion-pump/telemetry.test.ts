import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { rig } from '../../test/helpers/device-rig.ts';
import { checkProgram } from './drug-library.ts';
import { infusionPump as pump } from './index.ts';
import { PUMP_ALARMS, commandSchema, defaultSettings, profileSchema, settingsSchema, telemetrySchema } from './telemetry.ts';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('settingsSchema', () => {
  it('parses nothing to the defaults, and its own output to itself', () => {
    const parsed = settingsSchema.parse({});
    expect(parsed).toEqual(defaultSettings);
    expect(settingsSchema.parse(parsed)).toEqual(parsed);
  });

  it('merges a partial override one group deep', () => {
    const s = settingsSchema.parse({ alarms: { occlusionLevel: 'low', occlusionLimitsMmHg: { low: 150 } }, battery: { lowPct: 25 } });
    expect(s.alarms).toEqual({
      ...defaultSettings.alarms,
      occlusionLevel: 'low',
      occlusionLimitsMmHg: { low: 150, medium: 500, high: 900 },
    });
    expect(s.battery).toEqual({ ...defaultSettings.battery, lowPct: 25 });
    expect(s.linePressure).toEqual(defaultSettings.linePressure);
  });

  it('merges a drug entry over the library entry and accepts a complete new drug', () => {
    const s = settingsSchema.parse({
      drugs: {
        insulin: { rate: { softMax: 10, hardMax: 35 } },
        vancomycin: { label: 'Vancomycin 5 mg/mL', concentration: 5, doseUnit: 'mg/h', rate: { softMax: 1000, hardMax: 2000 } },
      },
    });
    expect(s.drugs['insulin']).toEqual({ ...defaultSettings.drugs['insulin'], rate: { softMax: 10, hardMax: 35 } });
    expect(checkProgram(s.drugs, s.rateRange, { drug: 'insulin', rate: 8, vtbi: 100 }).ok).toBe(true);
    expect(checkProgram(s.drugs, s.rateRange, { drug: 'vancomycin', doseRate: 1000, vtbi: 200 })).toMatchObject({
      ok: true,
      value: { rateMlPerH: 200 },
    });
  });

  it('rejects typos, incomplete new drugs and inverted limits, naming the path', () => {
    expect(issues(settingsSchema.safeParse({ alarm: {} }))).toEqual([': Unrecognized key: "alarm"']);
    expect(issues(settingsSchema.safeParse({ drugs: { vancomycin: { concentration: 5 } } }))).toEqual([
      'drugs.vancomycin.label: Invalid input: expected string, received undefined',
      'drugs.vancomycin.doseUnit: Invalid option: expected one of "mL/h"|"U/h"|"mcg/min"|"mcg/kg/min"|"mg/h"|"mg/kg/h"',
      'drugs.vancomycin.rate: Invalid input: expected object, received undefined',
    ]);
    expect(issues(settingsSchema.safeParse({ drugs: { insulin: { rate: { softMax: 40, hardMax: 35 } } } }))).toEqual([
      'drugs.insulin.rate: softMax must not exceed hardMax',
    ]);
  });
});

describe('commandSchema and commandEvent', () => {
  it('needs exactly one of rate and doseRate in a program', () => {
    expect(issues(commandSchema.safeParse({ type: 'program', drug: 'insulin', vtbi: 100 }))).toEqual([
      ": give exactly one of rate (mL/h) or doseRate (in the drug's dose unit)",
    ]);
    expect(commandSchema.safeParse({ type: 'program', drug: 'insulin', rate: 1, doseRate: 1, vtbi: 100 }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'bolus', amount: -1 }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'reboot' }).success).toBe(false);
  });

  it('maps every command to its machine event, keeping the commandId', () => {
    const events = [
      { type: 'program', drug: 'insulin', rate: 1.2, vtbi: 100, commandId: 'a' },
      { type: 'start' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'stop', commandId: 'b' },
      { type: 'bolus', amount: 2 },
      { type: 'acknowledge', code: 'air-in-line' },
    ].map((c) => pump.commandEvent(commandSchema.parse(c), { t: 0, plant: pump.createPlant(pump.createInput({ id: 'p' }), new Rng(1)) }));
    expect(events).toEqual([
      { type: 'infusion.program', drug: 'insulin', rate: 1.2, vtbi: 100, commandId: 'a' },
      { type: 'infusion.start' },
      { type: 'infusion.pause' },
      { type: 'infusion.resume' },
      { type: 'infusion.stop', commandId: 'b' },
      { type: 'infusion.bolus', amount: 2 },
      { type: 'alarm.acknowledge', code: 'air-in-line' },
    ]);
  });

  it('refuses unknown profile fields (a scenario typo) but tolerates extra command fields', () => {
    expect(profileSchema.safeParse({ drug: 'insulin', rat: 1.2, vtbi: 100 }).success).toBe(false);
    expect(commandSchema.parse({ type: 'start', signature: 'x' })).toEqual({ type: 'start' });
  });
});

describe('telemetry', () => {
  it('matches telemetrySchema through boot, infusion and alarm', () => {
    const p = rig(pump, { id: 'p', seed: 7, firmware: '3.3.0', profile: { drug: 'propofol', doseRate: 2, weightKg: 70, vtbi: 100 } });
    const bodies = [p.telemetry()];
    for (let t = 1000; t <= 20_000; t += 1000) {
      if (t > 10_000) p.set({ 'door.open': 1 });
      p.runTo(t);
      bodies.push(p.telemetry());
    }
    for (const body of bodies) expect(telemetrySchema.parse(body)).toEqual(body);
    expect(bodies[0]).toMatchObject({ state: 'self-test', drug: null, rate: 0, firmware: '3.3.0', alarms: [] });
    expect(bodies[5]).toMatchObject({ state: 'infusing', drug: 'propofol', rate: 14, doseRate: 2, doseRateUnit: 'mg/kg/h' });
    expect(bodies.at(-1)).toMatchObject({ state: 'hold', rate: 0, alarms: ['door.open'] });
    expect(Number.isInteger(bodies.at(-1)!.linePressure)).toBe(true);
  });
});

describe('descriptor docs', () => {
  it('documents every alarm with its priority, every condition and every command', () => {
    expect(pump.docs.alarms.map((a) => [a.name, a.priority])).toEqual(Object.entries(PUMP_ALARMS).map(([code, a]) => [code, a.priority]));
    expect(pump.conditions.map((c) => c.name)).toEqual([
      'occlusion.downstream',
      'occlusion.upstream',
      'air-in-line',
      'door.open',
      'battery.drain-factor',
      'rate.error-factor',
    ]);
    const commandTypes = commandSchema.options.map((o) => o.shape.type.value);
    expect(pump.docs.commands.map((c) => c.name)).toEqual(commandTypes);
    expect(pump.docs.states.map((s) => s.name)).toEqual(telemetrySchema.shape.state.options);
  });
});
