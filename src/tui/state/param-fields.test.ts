import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { fieldValues, paramErrors, paramFields, prefillForDevice } from './param-fields.ts';

const params = z.strictObject({
  signal: z.enum(['glucose', 'hr']).optional().describe('Signal to corrupt'),
  rate: z.number().default(10).describe('Drift per hour'),
  shape: z.enum(['linear', 'exponential']).default('linear'),
  tau: durationSchema.prefault('2h'),
  enabled: z.boolean().default(true),
  count: z.number().int().min(1),
});

describe('paramFields', () => {
  it('prefills every field from the schema defaults, as the user would type them', () => {
    const fields = paramFields(params);
    expect(fields.map((f) => [f.name, f.kind, f.initial, f.required])).toEqual([
      ['signal', 'enum', '', false],
      ['rate', 'number', '10', false],
      ['shape', 'enum', 'linear', false],
      ['tau', 'text', '2h', false],
      ['enabled', 'boolean', 'true', false],
      ['count', 'number', '', true],
    ]);
    expect(fields[0]!.options).toEqual(['', 'glucose', 'hr']);
    expect(fields[0]!.description).toBe('Signal to corrupt');
  });
});

describe('fieldValues and paramErrors', () => {
  it('converts typed text and lets the schema judge it', () => {
    const fields = paramFields(params);
    const raw = fieldValues(fields, { signal: '', rate: '-5', shape: 'exponential', tau: '30m', enabled: 'false', count: '2' });
    expect(raw).toEqual({ rate: -5, shape: 'exponential', tau: '30m', enabled: false, count: 2 });
    expect(paramErrors(params, raw)).toEqual([]);
    expect(params.parse(raw).tau).toBe(1_800_000);
  });

  it('reads a bare number in a duration field as milliseconds', () => {
    const raw = fieldValues(paramFields(params), { tau: '60000', count: '1' });
    expect(raw.tau).toBe(60_000);
  });

  it('reports what is wrong per field', () => {
    const raw = fieldValues(paramFields(params), { rate: 'fast', tau: 'soon' });
    expect(paramErrors(params, raw)).toEqual([
      'rate: Invalid input: expected number, received NaN',
      'tau: expected a duration like "30s", "5m" or "1h30m"',
      'count: Invalid input: expected number, received undefined',
    ]);
  });
});

describe('prefillForDevice', () => {
  it('shows the value the fault would choose for this device where the schema has no default', () => {
    const fault = {
      params,
      resolveParams: (target: { measures: string[] }, p: Record<string, unknown>) => ({ ...p, signal: target.measures[0] }),
    };
    const fields = prefillForDevice(paramFields(params), fault as never, { measures: ['hr'] });
    expect(fields.find((f) => f.name === 'signal')!.initial).toBe('');
    const loose = params.extend({ count: z.number().int().default(1) });
    const filled = prefillForDevice(paramFields(loose), { ...fault, params: loose } as never, { measures: ['hr'] });
    expect(filled.find((f) => f.name === 'signal')!.initial).toBe('hr');
  });
});
