import { describe, expect, it } from 'vitest';
import { DEFAULT_DRUG_LIBRARY as lib, checkBolus, checkProgram, doseToMlPerH, mlPerHToDose, type InfusionProgram } from './drug-library.ts';

const range = { minMlPerH: 0.1, maxMlPerH: 999 };

function program(req: Parameters<typeof checkProgram>[2]): InfusionProgram {
  const v = checkProgram(lib, range, req);
  if (!v.ok) throw new Error(v.reason);
  return v.value;
}

describe('checkProgram', () => {
  it('rejects a rate over the hard limit, naming drug, value and limit', () => {
    expect(checkProgram(lib, range, { drug: 'insulin', doseRate: 40, vtbi: 100, confirmSoftLimit: true })).toMatchInlineSnapshot(`
      {
        "code": "ders.hard-limit",
        "ok": false,
        "reason": "insulin 40 U/h exceeds the hard limit of 35 U/h",
      }
    `);
  });

  it('needs confirmation over the soft limit and accepts it once confirmed', () => {
    const unconfirmed = checkProgram(lib, range, { drug: 'insulin', rate: 8, vtbi: 100 });
    expect(unconfirmed).toMatchObject({ ok: false, code: 'ders.soft-limit-confirm' });
    expect(unconfirmed.ok ? '' : unconfirmed.reason).toMatchInlineSnapshot(
      `"insulin 8 U/h is above the soft limit of 5 U/h; resend with confirmSoftLimit: true to confirm"`,
    );
    expect(checkProgram(lib, range, { drug: 'insulin', rate: 8, vtbi: 100, confirmSoftLimit: true })).toMatchObject({
      ok: true,
      value: { rateMlPerH: 8, doseRate: 8 },
      detail: 'soft limit 5 U/h overridden',
    });
  });

  it('accepts a typical basal without confirmation', () => {
    expect(checkProgram(lib, range, { drug: 'insulin', rate: 1.2, vtbi: 100 })).toEqual({
      ok: true,
      value: { drug: 'insulin', rateMlPerH: 1.2, doseRate: 1.2, doseUnit: 'U/h', amountUnit: 'U', concentration: 1, vtbiMl: 100 },
    });
  });

  it('rejects an unknown drug with a suggestion and the known names', () => {
    const v = checkProgram(lib, range, { drug: 'insulim', rate: 1, vtbi: 10 });
    expect(v).toMatchObject({ ok: false, code: 'ders.unknown-drug' });
    expect(v.ok ? '' : v.reason).toMatchInlineSnapshot(
      `"drug "insulim" is not in the drug library (did you mean "insulin"?); known: insulin, heparin, norepinephrine, propofol, normal-saline"`,
    );
  });

  it('keeps insulin rates on the 0.05 U/h grid despite floating point', () => {
    expect(checkProgram(lib, range, { drug: 'insulin', rate: 1.23, vtbi: 100 })).toMatchObject({ ok: false, code: 'ders.step' });
    for (const rate of [0.1, 0.15, 1.2, 2.35, 4.95]) {
      expect(checkProgram(lib, range, { drug: 'insulin', rate, vtbi: 100 }).ok).toBe(true);
    }
  });

  it('converts dose units to mL/h', () => {
    // 8 mcg/min × 60 / 16 mcg/mL = 30 mL/h
    expect(program({ drug: 'norepinephrine', doseRate: 8, vtbi: 250 }).rateMlPerH).toBeCloseTo(30, 9);
    // 2 mg/kg/h × 70 kg / 10 mg/mL = 14 mL/h
    expect(program({ drug: 'propofol', doseRate: 2, weightKg: 70, vtbi: 100 }).rateMlPerH).toBeCloseTo(14, 9);
    // 1000 units/h / 100 units/mL = 10 mL/h
    expect(program({ drug: 'heparin', doseRate: 1000, vtbi: 250 }).rateMlPerH).toBeCloseTo(10, 9);
    expect(mlPerHToDose(doseToMlPerH(0.9, 'mcg/kg/min', 16, 80), 'mcg/kg/min', 16, 80)).toBeCloseTo(0.9, 9);
  });

  it('checks a rate given in mL/h against the dose limit', () => {
    // 150 mL/h of norepinephrine is 40 mcg/min: over the 30 mcg/min soft limit.
    expect(checkProgram(lib, range, { drug: 'norepinephrine', rate: 150, vtbi: 250 })).toMatchObject({
      ok: false,
      code: 'ders.soft-limit-confirm',
    });
  });

  it('needs a weight for weight-based drugs', () => {
    expect(checkProgram(lib, range, { drug: 'propofol', doseRate: 2, vtbi: 100 })).toMatchObject({
      ok: false,
      code: 'ders.weight-required',
    });
  });

  it('enforces the pump range and the saline hard limit', () => {
    expect(checkProgram(lib, range, { drug: 'normal-saline', rate: 1200, vtbi: 1000 })).toMatchObject({
      ok: false,
      code: 'pump.rate-range',
    });
    expect(checkProgram(lib, range, { drug: 'normal-saline', rate: 999, vtbi: 1000, confirmSoftLimit: true }).ok).toBe(true);
    expect(checkProgram(lib, range, { drug: 'insulin', rate: 0.05, vtbi: 10 })).toMatchObject({ ok: false, code: 'pump.rate-range' });
  });
});

describe('checkBolus', () => {
  const insulin = program({ drug: 'insulin', rate: 1.2, vtbi: 100 });

  it('returns the bolus volume in mL', () => {
    expect(checkBolus(lib, insulin, 5)).toEqual({ ok: true, value: 5 });
    expect(checkBolus(lib, program({ drug: 'heparin', doseRate: 1000, vtbi: 250 }), 5000)).toEqual({ ok: true, value: 50 });
  });

  it('applies the insulin bolus limits (25 U soft, 75 U hard)', () => {
    expect(checkBolus(lib, insulin, 80, true)).toMatchObject({ ok: false, code: 'ders.hard-limit' });
    expect(checkBolus(lib, insulin, 30)).toMatchObject({ ok: false, code: 'ders.soft-limit-confirm' });
    expect(checkBolus(lib, insulin, 30, true)).toMatchObject({ ok: true, value: 30 });
    expect(checkBolus(lib, insulin, 0.07)).toMatchObject({ ok: false, code: 'ders.step' });
  });

  it('refuses a bolus of a drug the library allows none of', () => {
    expect(checkBolus(lib, program({ drug: 'norepinephrine', doseRate: 8, vtbi: 250 }), 1)).toMatchObject({
      ok: false,
      code: 'ders.bolus-not-allowed',
    });
  });
});
