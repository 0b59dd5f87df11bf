/**
 * Clarke error grid: Clarke WL, Cox D, Gonder-Frederick LA, Carter W, Pohl SL. "Evaluating clinical
 * accuracy of systems for self-monitoring of blood glucose." Diabetes Care 1987;10(5):622–628.
 *
 * Zone boundaries (mg/dL) as the grid is drawn, in the order the widely used implementations test them
 * (e.g. ReplayBG's clarke.m): a point that satisfies an earlier zone's rule belongs to that zone.
 *   A: within 20 % of the reference, or both below 70.
 *   E: reference ≥ 180 and reading ≤ 70, or reference ≤ 70 and reading ≥ 180 (treatment reversed).
 *   C: reference 70–290 and reading ≥ reference + 110, or reference 130–180 and reading ≤ 7/5·reference − 182.
 *   D: reference ≥ 240 and reading 70–180; reference < 175/3 and reading 70–180; reference 175/3–70 and
 *      reading ≥ 6/5·reference (failure to detect a high or a low).
 *   B: everything else (benign error).
 */
export type ClarkeZone = 'A' | 'B' | 'C' | 'D' | 'E';

export const CLARKE_ZONES: readonly ClarkeZone[] = ['A', 'B', 'C', 'D', 'E'];

/** The Clarke zone of a reading `measured` against the reference `reference`, both mg/dL. */
export function clarkeZone(reference: number, measured: number): ClarkeZone {
  const y = reference;
  const yp = measured;
  if ((yp <= 70 && y <= 70) || (yp <= 1.2 * y && yp >= 0.8 * y)) return 'A';
  if ((y >= 180 && yp <= 70) || (y <= 70 && yp >= 180)) return 'E';
  if ((y >= 70 && y <= 290 && yp >= y + 110) || (y >= 130 && y <= 180 && yp <= (7 / 5) * y - 182)) return 'C';
  if ((y >= 240 && yp >= 70 && yp <= 180) || (y <= 175 / 3 && yp >= 70 && yp <= 180) || (y >= 175 / 3 && y <= 70 && yp >= (6 / 5) * y)) {
    return 'D';
  }
  return 'B';
}

export type ClarkeCounts = Record<ClarkeZone, number>;

/** Zone percentages (0–100) of paired readings; all zero when there are no pairs. */
export function clarkeZones(reference: readonly number[], measured: readonly number[]): ClarkeCounts {
  if (reference.length !== measured.length) {
    throw new RangeError(
      `clarkeZones: expected arrays of equal length, received ${reference.length} references and ${measured.length} readings`,
    );
  }
  const counts: ClarkeCounts = { A: 0, B: 0, C: 0, D: 0, E: 0 };
  for (let i = 0; i < reference.length; i++) counts[clarkeZone(reference[i]!, measured[i]!)]++;
  return toPercent(counts, reference.length);
}

/** Counts → percentages of `n`. */
export function toPercent(counts: ClarkeCounts, n: number): ClarkeCounts {
  const pct = (c: number) => (n === 0 ? 0 : (100 * c) / n);
  return { A: pct(counts.A), B: pct(counts.B), C: pct(counts.C), D: pct(counts.D), E: pct(counts.E) };
}
