import seedrandom from 'seedrandom';

/**
 * A seeded random stream shaped like faker's `Randomizer` (`next()`, `seed()`), so faker can draw from
 * it directly. Every consumer takes its own named stream with `fork(name)`: a fork's numbers depend only
 * on the root seed and the name, so adding a device or drawing more numbers in one stream never shifts
 * the numbers of another.
 */
export class Rng {
  readonly rootSeed: string;
  readonly name: string;
  #prng: seedrandom.PRNG;
  #spareNormal: number | undefined;

  constructor(seed: string | number, name = 'root') {
    this.rootSeed = String(seed);
    this.name = name;
    this.#prng = compactPrng(streamSeed(this.rootSeed, name));
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.#prng.quick();
  }

  /** Restarts this stream from a new seed (faker's Randomizer contract). */
  seed(seed: number | number[]): void {
    const text = Array.isArray(seed) ? seed.join(',') : String(seed);
    this.#prng = compactPrng(streamSeed(this.rootSeed, `${this.name}#${text}`));
    this.#spareNormal = undefined;
  }

  /** An independent stream named `name` under this one, e.g. `rng.fork('patient:P-007')`. */
  fork(name: string): Rng {
    return new Rng(this.rootSeed, this.name === 'root' ? name : `${this.name}/${name}`);
  }

  /** Uniform in [min, max). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** Integer uniform in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Normally distributed (Box–Muller, caching the second variate). */
  normal(mean = 0, sd = 1): number {
    if (this.#spareNormal !== undefined) {
      const z = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(u) / rate;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice needs at least one item, received an empty array');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** `k` distinct elements, in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, Math.min(k, items.length)));
  }
}

function streamSeed(root: string, name: string): string {
  return `medtwin:${root}:${name}`;
}

/**
 * seedrandom's ARC4 generator with its 256-entry state moved into a Uint8Array: the same numbers, and
 * about 1 KB instead of 3.4 KB — a fleet holds several streams per device (a quarter of its live heap).
 */
function compactPrng(seed: string): seedrandom.PRNG {
  const { i, j, S } = (seedrandom(seed, { state: true }) as seedrandom.PRNG & { state(): { i: number; j: number; S: number[] } }).state();
  return seedrandom('', { state: { i, j, S: Uint8Array.from(S) } as never });
}
