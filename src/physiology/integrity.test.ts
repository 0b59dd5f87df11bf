import { describe, expect, it } from 'vitest';
import { IntegrityMonitor, checkValue } from './integrity.ts';

describe('physiological bounds', () => {
  it('accepts values a living patient can have and names what is wrong with the rest', () => {
    expect(checkValue('glucose', 40, 0)).toBeUndefined();
    expect(checkValue('glucose', 0.4, 60_000)).toEqual({
      at: 60_000,
      signal: 'glucose',
      value: 0.4,
      reason: 'glucose 0.4 is below the physiological bound 10',
    });
    expect(checkValue('glucose', 7e303, 0)?.reason).toBe('glucose 7.00e+303 is above the physiological bound 1000');
    expect(checkValue('glucose', Number.NaN, 0)).toMatchObject({ value: 'NaN', reason: 'glucose is NaN: the model diverged' });
    expect(checkValue('spo2', 100.5, 0)?.reason).toContain('above the physiological bound 100');
    expect(checkValue('hr', -1, 0)?.reason).toContain('below');
    expect(checkValue('hr', 0, 0)).toBeUndefined();
  });

  it('reports a signal once per stretch out of bounds, again after it came back', () => {
    const monitor = new IntegrityMonitor();
    monitor.check({ glucose: 120, spo2: 97 }, 0);
    expect(monitor.take()).toEqual([]);
    monitor.check({ glucose: 5, spo2: 97 }, 1000);
    monitor.check({ glucose: 4, spo2: 101 }, 2000);
    expect(monitor.take().map((i) => [i.signal, i.at])).toEqual([
      ['glucose', 1000],
      ['spo2', 2000],
    ]);
    monitor.check({ glucose: 3, spo2: 101 }, 3000);
    expect(monitor.take()).toEqual([]);
    monitor.check({ glucose: 60, spo2: 97 }, 4000);
    monitor.check({ glucose: 2, spo2: 97 }, 5000);
    expect(monitor.take().map((i) => [i.signal, i.at])).toEqual([['glucose', 5000]]);
  });
});
