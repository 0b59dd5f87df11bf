import { setFlagsFromString } from 'node:v8';

/** How far V8 lets the old generation grow past the live data before its next major GC, in %. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * A fleet replaces most of its per-device state every simulated second (machine snapshots, readings,
 * log lines); at scale that garbage outlives the young generation and dies in the old one. By default
 * V8 lets the old generation reach several times the live data before collecting it: a 10,000-device
 * run with 455 MiB live peaked at 1.75 GB RSS. Growing by 50 % keeps the simulation near 770 MiB and
 * the broker near 390 MiB at 10,000 devices; 25 % saved another 50 MiB each but cost the simulation
 * 12 % more CPU in major collections, and 100 % saved no more CPU than 50 % for 120 MiB more
 * (docs/benchmarks.md). `node --heap-growing-percent=N` or MEDTWIN_HEAP_GROWING_PERCENT=N overrides it
 * (0: V8's own policy).
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
