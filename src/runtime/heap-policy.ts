import { setFlagsFromString } from 'node:v8';

/** How far V8 lets the old generation grow past the live data before its next major GC, in %. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Fleets at least this large get HEAP_GROWING_PERCENT; smaller ones V8's own policy (fitHeapPolicy).
 * The same size from which the device clients move to a link thread (LINK_THREAD_THRESHOLD).
 */
export const HEAP_POLICY_FLEET = 1000;

/** The percent this process opted into (applyHeapPolicy), while nobody chose one explicitly. */
let fitted: { percent: number; applied: number | undefined } | undefined;

/**
 * A fleet replaces most of its per-device state every simulated second; at scale that garbage dies in
 * the old generation, which V8 by default lets grow to several times the live data before collecting.
 * 50 % held a 10,000-device run near 770 MiB, not 1.75 GB (docs/benchmarks.md#what-limits-it, point 2).
 * `node --heap-growing-percent=N` or MEDTWIN_HEAP_GROWING_PERCENT=N overrides it (0: V8's own policy).
 * The CLI, the broker child and the bench rows call it at start-up; runs then fit it to their fleet
 * (fitHeapPolicy).
 */
export function applyHeapPolicy(): void {
  if (process.execArgv.some((a) => a.includes('heap-growing-percent'))) return;
  const chosen = process.env.MEDTWIN_HEAP_GROWING_PERCENT;
  let percent = chosen ?? String(HEAP_GROWING_PERCENT);
  if (!/^\d+$/.test(percent)) {
    process.stderr.write(
      `medtwin: MEDTWIN_HEAP_GROWING_PERCENT must be a whole number (0: V8's own policy); got "${percent}", using ${HEAP_GROWING_PERCENT}\n`,
    );
    percent = String(HEAP_GROWING_PERCENT);
  }
  if (percent !== '0') setFlagsFromString(`--heap-growing-percent=${percent}`);
  fitted = chosen === undefined ? { percent: HEAP_GROWING_PERCENT, applied: HEAP_GROWING_PERCENT } : undefined;
}

/**
 * Fits the policy to a run's fleet, in a process that applied it and where nobody chose a percent:
 * below HEAP_POLICY_FLEET devices V8's own. A small fleet's live heap is tens of MiB; at 50 % the
 * 100-device ward ran 14 full GCs per simulated hour against 6–7 with V8's policy, which took 4–10 %
 * off the process's CPU (mostly V8's helper threads) for a peak RSS of 290–330 instead of 205–210 MiB
 * (docs/benchmarks.md#what-limits-it, point 15).
 */
export function fitHeapPolicy(devices: number): void {
  if (fitted === undefined) return;
  const percent = devices >= HEAP_POLICY_FLEET ? fitted.percent : 0;
  if (percent === fitted.applied) return;
  // 0 is V8's own default for the flag: its growing factor, not a fixed percent.
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  fitted.applied = percent;
}
