import { setFlagsFromString } from 'node:v8';

/** How far V8 lets the old generation grow past the live data before its next major GC, in %. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * A fleet replaces most of its per-device state every simulated second; at scale that garbage dies in
 * the old generation, which V8 by default lets grow to several times the live data before collecting.
 * 50 % held a 10,000-device run near 770 MiB, not 1.75 GB (docs/benchmarks.md#what-limits-it, point 2).
 * `node --heap-growing-percent=N` or MEDTWIN_HEAP_GROWING_PERCENT=N overrides it (0: V8's own policy).
 */
export function applyHeapPolicy(): void {
  if (process.execArgv.some((a) => a.includes('heap-growing-percent'))) return;
  let percent = process.env.MEDTWIN_HEAP_GROWING_PERCENT ?? String(HEAP_GROWING_PERCENT);
  if (!/^\d+$/.test(percent)) {
    process.stderr.write(
      `medtwin: MEDTWIN_HEAP_GROWING_PERCENT must be a whole number (0: V8's own policy); got "${percent}", using ${HEAP_GROWING_PERCENT}\n`,
    );
    percent = String(HEAP_GROWING_PERCENT);
  }
  if (percent !== '0') setFlagsFromString(`--heap-growing-percent=${percent}`);
}
