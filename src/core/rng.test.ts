import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

const draw = (rng: Rng, n = 5) => Array.from({ length: n }, () => rng.next());

describe('Rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw(new Rng(42))).toEqual(draw(new Rng(42)));
    expect(draw(new Rng(42))).not.toEqual(draw(new Rng(43)));
  });

  it('forks streams that depend only on the seed and the name', () => {
    const a = new Rng(7);
    const before = draw(a.fork('device:pump-001'));
    // Drawing from the parent and creating other forks must not shift an existing stream.
    draw(a, 100);
    a.fork('device:pump-002').next();
    expect(draw(a.fork('device:pump-001'))).toEqual(before);
    expect(draw(a.fork('device:pump-002'))).not.toEqual(before);
  });

  it('nests fork names', () => {
    const nested = new Rng(1).fork('fleet').fork('pump-001');
    expect(nested.name).toBe('fleet/pump-001');
    expect(draw(nested)).toEqual(draw(new Rng(1).fork('fleet').fork('pump-001')));
  });

  it('draws normals with the asked mean and spread', () => {
    const rng = new Rng('normal');
    const xs = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('draws exponentials, integers, choices and shuffles within bounds', () => {
    const rng = new Rng(3);
    const ex = Array.from({ length: 20_000 }, () => rng.exponential(0.5));
    expect(ex.reduce((s, x) => s + x, 0) / ex.length).toBeCloseTo(2, 0);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(1, 6);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(6);
    }
    expect(['a', 'b', 'c']).toContain(rng.choice(['a', 'b', 'c']));
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(rng.sample([1, 2, 3, 4, 5], 2)).toHaveLength(2);
    expect(() => rng.choice([])).toThrow(/empty array/);
  });

  it('re-seeds like a faker Randomizer', () => {
    const rng = new Rng(5);
    rng.seed(99);
    const first = draw(rng);
    rng.seed(99);
    expect(draw(rng)).toEqual(first);
  });
});
