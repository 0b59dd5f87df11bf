/**
 * Memory and CPU of this process and of the broker child, read from Linux /proc (proc(5)): VmHWM is
 * the kernel's own peak resident set, so it catches a peak a sampler would miss between two samples.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const MB = 1024 * 1024;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_S = 100;

/** A field of /proc/<pid>/status in MiB (`VmRSS`, `VmHWM`), or undefined if the process is gone. */
export function procStatusMiB(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15). */
export function procCpuSeconds(pid: number | 'self'): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds (user + system) of each live thread of this process, by thread id (/proc/self/task). */
export function threadCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const seconds = statCpuSeconds(`/proc/self/task/${tid}/stat`);
    // Undefined: the thread ended between the listing and the read.
    if (seconds !== undefined) out.set(Number(tid), seconds);
  }
  return out;
}

/** utime + stime of a process's or a thread's stat file, in seconds; undefined if it is gone. */
function statCpuSeconds(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields restart after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/**
 * This process's CPU since `before` (a threadCpuSeconds() snapshot), split three ways: the main
 * thread (the simulation), the busiest other thread (the link thread, where the run has one), and the
 * rest (V8's garbage-collection and compiler helpers, libuv's pool). Threads are not named on Linux
 * here, so the link thread is recognised by its load.
 */
export function threadSplit(before: Map<number, number>): { mainS: number; busiestOtherS: number; restS: number } {
  const main = process.pid;
  let mainS = 0;
  const others: number[] = [];
  for (const [tid, seconds] of threadCpuSeconds()) {
    const used = seconds - (before.get(tid) ?? 0);
    if (tid === main) mainS = used;
    else others.push(used);
  }
  others.sort((a, b) => b - a);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { mainS: round(mainS), busiestOtherS: round(others[0] ?? 0), restS: round(others.slice(1).reduce((a, b) => a + b, 0)) };
}

/** Pids of the live children of `ppid` (how the benchmark finds a broker that the runtime spawned). */
export function childPids(ppid: number = process.pid): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export interface MemoryPeaks {
  /** Peak of process.memoryUsage().rss over the samples, MiB. */
  selfSampledMiB: number;
  /** This process's VmHWM, MiB. */
  selfHwmMiB: number;
  /** The broker child's VmHWM, MiB (0 when the broker runs in this process). */
  brokerHwmMiB: number;
  /** Peak of (own RSS + broker RSS) taken at the same instant, MiB. */
  totalSampledMiB: number;
}

/**
 * Samples this process's RSS (process.memoryUsage) and the broker child's VmRSS every `intervalMs`,
 * and keeps the peaks. Wall-clock timers are fine here: the benchmark measures wall time.
 */
export class MemorySampler {
  #timer: NodeJS.Timeout | undefined;
  #brokerPid: number | undefined;
  #selfPeak = 0;
  #totalPeak = 0;
  #brokerHwm = 0;

  constructor(brokerPid: number | undefined, intervalMs = 200) {
    this.#brokerPid = brokerPid;
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    const self = process.memoryUsage().rss / MB;
    const broker = this.#brokerPid === undefined ? 0 : (procStatusMiB(this.#brokerPid, 'VmRSS') ?? 0);
    this.#selfPeak = Math.max(this.#selfPeak, self);
    this.#totalPeak = Math.max(this.#totalPeak, self + broker);
    if (this.#brokerPid !== undefined) this.#brokerHwm = Math.max(this.#brokerHwm, procStatusMiB(this.#brokerPid, 'VmHWM') ?? 0);
  }

  /** Stops sampling (call before the broker is closed, so its VmHWM is still readable) and returns the peaks. */
  stop(): MemoryPeaks {
    this.sample();
    clearInterval(this.#timer);
    return {
      selfSampledMiB: this.#selfPeak,
      selfHwmMiB: procStatusMiB('self', 'VmHWM') ?? this.#selfPeak,
      brokerHwmMiB: this.#brokerHwm,
      totalSampledMiB: this.#totalPeak,
    };
  }
}

/** Event-loop delay of this process over a phase, ms: how long ready work waited for the one thread. */
export class LoopDelay {
  #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.#histogram.enable();
  }

  stop(): { p99Ms: number; maxMs: number } {
    this.#histogram.disable();
    return { p99Ms: this.#histogram.percentile(99) / 1e6, maxMs: this.#histogram.max / 1e6 };
  }
}
