/**
 * The seeds of a study, by position. A range is computed, not listed, so `--seeds 1..100000` costs
 * the same memory as `--seeds 1..10`.
 */
export interface SeedSet {
  readonly count: number;
  /** The seed at `index` (0 ≤ index < count). */
  at(index: number): string;
  /** How the set was written (`1..100`, `3,5,8`), for progress lines and errors. */
  readonly label: string;
}

/** Seeds `from`..`to`, inclusive. */
export function seedRange(from: number, to: number): SeedSet {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from)
    throw new RangeError(`a seed range needs whole numbers low..high, received ${from}..${to}`);
  return { count: to - from + 1, at: (index) => String(from + checkIndex(index, to - from + 1)), label: `${from}..${to}` };
}

/** Seeds given one by one. */
export function seedList(seeds: readonly string[]): SeedSet {
  if (seeds.length === 0) throw new RangeError('a seed list needs at least one seed');
  const copy = [...seeds];
  return { count: copy.length, at: (index) => copy[checkIndex(index, copy.length)]!, label: copy.join(',') };
}

/** Every seed of a set, in order. */
export function* seedsOf(set: SeedSet): Generator<string> {
  for (let i = 0; i < set.count; i++) yield set.at(i);
}

function checkIndex(index: number, count: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`seed index ${index} is outside 0..${count - 1}`);
  return index;
}
