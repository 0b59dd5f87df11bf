import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { generatePatient } from './demographics.ts';

describe('generatePatient', () => {
  it('gives the same patient for the same stream and another for another', () => {
    const a = generatePatient(new Rng(42).fork('patient:P-001'), { id: 'P-001' });
    expect(generatePatient(new Rng(42).fork('patient:P-001'), { id: 'P-001' })).toEqual(a);
    expect(generatePatient(new Rng(42).fork('patient:P-002'), { id: 'P-002' }).name).not.toBe(a.name);
  });

  it('describes a plausible synthetic adult', () => {
    for (let i = 1; i <= 50; i++) {
      const p = generatePatient(new Rng('cohort').fork(`patient:${i}`), {
        id: `P-${String(i).padStart(3, '0')}`,
        conditions: ['type1-diabetes'],
      });
      expect(p.synthetic).toBe(true);
      expect(p.id).toBe(`P-${String(i).padStart(3, '0')}`);
      expect(p.name).toBe(`${p.givenName} ${p.familyName}`);
      expect(p.mrn).toMatch(/^MRN-[1-9]\d{7}$/);
      expect(p.age).toBeGreaterThanOrEqual(18);
      expect(p.age).toBeLessThanOrEqual(85);
      expect(['female', 'male']).toContain(p.sex);
      expect(p.heightCm).toBeGreaterThan(135);
      expect(p.heightCm).toBeLessThan(200);
      const bmi = p.weightKg / (p.heightCm / 100) ** 2;
      expect(bmi).toBeGreaterThanOrEqual(16.9);
      expect(bmi).toBeLessThanOrEqual(50.1);
      expect(p.conditions).toEqual([{ name: 'type1-diabetes', code: 'E10', display: 'Type 1 diabetes mellitus' }]);
    }
  });

  it('honours an age range and rejects a bad one', () => {
    const p = generatePatient(new Rng(1), { id: 'P-9', age: { min: 40, max: 40 } });
    expect(p.age).toBe(40);
    expect(() => generatePatient(new Rng(1), { id: 'P-9', age: { min: 50, max: 40 } })).toThrow(
      'generatePatient: age range must be whole years with min ≤ max, received 50–40',
    );
  });
});
