import { clarkeZone, toPercent, type ClarkeCounts } from './clarke.ts';

/**
 * Glycaemic and sensor-accuracy metrics, each as a streaming accumulator (a day-long fleet run cannot
 * keep every sample) and a batch function built on it.
 *
 * Ranges: Battelino T, et al. "Clinical targets for continuous glucose monitoring data interpretation:
 * recommendations from the international consensus on time in range." Diabetes Care 2019;42:1593–1603 —
 * in range 70–180 mg/dL, below 70 and below 54, above 180 and above 250; CV target ≤ 36 %.
 * GMI: Bergenstal RM, et al. Diabetes Care 2018;41:2275–2280 — GMI (%) = 3.31 + 0.02392 × mean (mg/dL).
 * Risk: Kovatchev BP, et al. "Symmetrization of the blood glucose measurement scale and its applications."
 * Diabetes Care 1997;20:1655–1658 — f(G) = 1.509·((ln G)^1.084 − 5.381), risk 10·f², LBGI/HBGI the means of
 * the risk on the low (f < 0) and high (f > 0) side.
 */

/** Kovatchev's symmetrised glucose f(G); G clamped to 20–600 mg/dL, the range the formula was fitted on. */
export function bgRiskScale(glucose: number): number {
  const g = Math.min(600, Math.max(20, glucose));
  return 1.509 * (Math.log(g) ** 1.084 - 5.381);
}

/** Kovatchev's risk 10·f(G)², 0 at 112.5 mg/dL, about 100 at 20 and 600 mg/dL. */
export function bgRisk(glucose: number): number {
  return 10 * bgRiskScale(glucose) ** 2;
}

export interface GlycaemicSummary {
  n: number;
  /** mg/dL; NaN when n is 0 (as are sd, cv and gmi). */
  mean: number;
  sd: number;
  /** Coefficient of variation, %. */
  cv: number;
  /** Glucose management indicator, %. */
  gmi: number;
  /** Percentages of readings. */
  inRange: number;
  below70: number;
  below54: number;
  above180: number;
  above250: number;
  lbgi: number;
  hbgi: number;
}

/** Streaming glycaemic statistics of a glucose series. */
export class GlycaemicStats {
  #n = 0;
  #mean = 0;
  #m2 = 0;
  #inRange = 0;
  #below70 = 0;
  #below54 = 0;
  #above180 = 0;
  #above250 = 0;
  #low = 0;
  #high = 0;

  /** Adds one glucose value (mg/dL); null and non-finite values are skipped. */
  add(glucose: number | null | undefined): void {
    if (glucose === null || glucose === undefined || !Number.isFinite(glucose)) return;
    this.#n++;
    const delta = glucose - this.#mean;
    this.#mean += delta / this.#n;
    this.#m2 += delta * (glucose - this.#mean);
    if (glucose < 54) this.#below54++;
    if (glucose < 70) this.#below70++;
    else if (glucose <= 180) this.#inRange++;
    else this.#above180++;
    if (glucose > 250) this.#above250++;
    const f = bgRiskScale(glucose);
    if (f < 0) this.#low += 10 * f * f;
    else this.#high += 10 * f * f;
  }

  summary(): GlycaemicSummary {
    const n = this.#n;
    const pct = (c: number) => (n === 0 ? 0 : (100 * c) / n);
    const mean = n === 0 ? Number.NaN : this.#mean;
    const sd = n === 0 ? Number.NaN : n === 1 ? 0 : Math.sqrt(this.#m2 / (n - 1));
    return {
      n,
      mean,
      sd,
      cv: (100 * sd) / mean,
      gmi: 3.31 + 0.02392 * mean,
      inRange: pct(this.#inRange),
      below70: pct(this.#below70),
      below54: pct(this.#below54),
      above180: pct(this.#above180),
      above250: pct(this.#above250),
      lbgi: n === 0 ? 0 : this.#low / n,
      hbgi: n === 0 ? 0 : this.#high / n,
    };
  }
}

/** Glycaemic statistics of a whole series. */
export function glycaemicSummary(values: readonly (number | null)[]): GlycaemicSummary {
  const stats = new GlycaemicStats();
  for (const v of values) stats.add(v);
  return stats.summary();
}

export interface AccuracySummary {
  /** Pairs with a reading. */
  n: number;
  /** Pairs where the device gave no reading. */
  missing: number;
  /** Mean absolute relative difference, %; NaN when n is 0. */
  mard: number;
  /** Mean of reading − reference, mg/dL. */
  meanBias: number;
  /** Clarke zone percentages of the n pairs. */
  clarke: ClarkeCounts;
}

/** Streaming accuracy of readings against reference (true) glucose. */
export class AccuracyStats {
  #n = 0;
  #missing = 0;
  #relative = 0;
  #bias = 0;
  #zones: ClarkeCounts = { A: 0, B: 0, C: 0, D: 0, E: 0 };

  /** Adds one (reference, reading) pair, mg/dL; a null reading counts as missing. */
  add(reference: number, measured: number | null | undefined): void {
    if (!(reference > 0)) throw new RangeError(`AccuracyStats.add: reference glucose must be positive, received ${reference}`);
    if (measured === null || measured === undefined || !Number.isFinite(measured)) {
      this.#missing++;
      return;
    }
    this.#n++;
    this.#relative += Math.abs(measured - reference) / reference;
    this.#bias += measured - reference;
    this.#zones[clarkeZone(reference, measured)]++;
  }

  summary(): AccuracySummary {
    const n = this.#n;
    return {
      n,
      missing: this.#missing,
      mard: n === 0 ? Number.NaN : (100 * this.#relative) / n,
      meanBias: n === 0 ? Number.NaN : this.#bias / n,
      clarke: toPercent(this.#zones, n),
    };
  }
}

/** Accuracy of paired arrays (equal length). */
export function accuracySummary(reference: readonly number[], measured: readonly (number | null)[]): AccuracySummary {
  if (reference.length !== measured.length) {
    throw new RangeError(
      `accuracySummary: expected arrays of equal length, received ${reference.length} references and ${measured.length} readings`,
    );
  }
  const stats = new AccuracyStats();
  for (let i = 0; i < reference.length; i++) stats.add(reference[i]!, measured[i]);
  return stats.summary();
}

/** MARD (%) of readings against reference values. */
export function mard(reference: readonly number[], measured: readonly number[]): number {
  return accuracySummary(reference, measured).mard;
}

/** Low and high blood glucose indices of a series. */
export function riskIndices(values: readonly number[]): { lbgi: number; hbgi: number } {
  const { lbgi, hbgi } = glycaemicSummary(values);
  return { lbgi, hbgi };
}
