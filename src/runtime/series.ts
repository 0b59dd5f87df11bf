/** One plotted point: [t ms, measured or null, truth or null]. */
export type SeriesPoint = [number, number | null, number | null];

interface Bucket {
  key: number;
  min?: SeriesPoint;
  max?: SeriesPoint;
  /** The first sample without a reading: keeps gaps (signal loss) visible after decimation. */
  gap?: SeriesPoint;
}

/** Points a bucket can yield: its minimum, its maximum and its first gap. */
const POINTS_PER_BUCKET = 3;

/**
 * A plot series decimated as it streams, in memory bounded by `maxPoints` whatever the run length.
 * Samples fall into time buckets; each bucket keeps its lowest and highest reading (so spikes and dips
 * survive, as in min/max "M4"-style decimation) and its first missing reading. When the buckets are
 * full, neighbours merge pairwise and the bucket width doubles.
 */
export class SeriesDecimator {
  readonly maxPoints: number;
  #maxBuckets: number;
  #bucketMs: number;
  #buckets: Bucket[] = [];

  /** How many buckets a series of `maxPoints` points keeps. */
  static bucketsFor(maxPoints: number): number {
    return Math.max(1, Math.floor(maxPoints / POINTS_PER_BUCKET));
  }

  constructor(maxPoints = 600, initialBucketMs = 1) {
    if (!(maxPoints >= POINTS_PER_BUCKET))
      throw new RangeError(`SeriesDecimator: maxPoints must be at least ${POINTS_PER_BUCKET}, received ${maxPoints}`);
    this.maxPoints = maxPoints;
    this.#maxBuckets = SeriesDecimator.bucketsFor(maxPoints);
    this.#bucketMs = Math.max(1, initialBucketMs);
  }

  /** Current bucket width, ms. */
  get bucketMs(): number {
    return this.#bucketMs;
  }

  /** Adds a sample; samples must come in time order. */
  add(t: number, measured: number | null, truth: number | null): void {
    let last = this.#buckets[this.#buckets.length - 1];
    let key = Math.floor(t / this.#bucketMs);
    while (last !== undefined && key !== last.key && this.#buckets.length >= this.#maxBuckets) {
      this.#coarsen();
      last = this.#buckets[this.#buckets.length - 1];
      key = Math.floor(t / this.#bucketMs);
    }
    if (last === undefined || last.key !== key) {
      last = { key };
      this.#buckets.push(last);
    }
    absorb(last, t, measured, truth);
  }

  /** The decimated points in time order. */
  points(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const b of this.#buckets) {
      const points = [b.min, b.max, b.gap].filter((p): p is SeriesPoint => p !== undefined);
      const unique = [...new Set(points)].sort((x, y) => x[0] - y[0]);
      out.push(...unique);
    }
    return out;
  }

  #coarsen(): void {
    this.#bucketMs *= 2;
    const merged: Bucket[] = [];
    for (const b of this.#buckets) {
      const key = Math.floor(b.key / 2);
      const last = merged[merged.length - 1];
      if (last === undefined || last.key !== key) merged.push({ ...b, key });
      else {
        if (b.min) absorb(last, ...b.min);
        if (b.max) absorb(last, ...b.max);
        if (b.gap && (last.gap === undefined || b.gap[0] < last.gap[0])) last.gap = b.gap;
      }
    }
    this.#buckets = merged;
  }
}

/** Takes a sample into a bucket; the point array is only built when the sample is kept. */
function absorb(bucket: Bucket, t: number, value: number | null, truth: number | null): void {
  if (value === null) {
    bucket.gap ??= [t, null, truth];
    return;
  }
  const lower = bucket.min === undefined || value < bucket.min[1]!;
  const higher = bucket.max === undefined || value > bucket.max[1]!;
  if (!lower && !higher) return;
  const point: SeriesPoint = [t, value, truth];
  if (lower) bucket.min = point;
  if (higher) bucket.max = point;
}
