import { readFileSync } from 'node:fs';

/**
 * This process's soft limit on open file descriptors (`ulimit -n`), read from /proc/self/limits;
 * undefined where that file does not exist (not Linux) or says "unlimited". Every TCP connection costs
 * one descriptor at each end, so the broker's connection limit and the run's pre-flight check are
 * measured against it.
 */
export function descriptorLimit(limitsFile = '/proc/self/limits'): number | undefined {
  return descriptorLimits(limitsFile).soft;
}

/** The soft limit and the hard limit (how far `ulimit -n` may raise the soft one); see descriptorLimit. */
export function descriptorLimits(limitsFile = '/proc/self/limits'): { soft?: number; hard?: number } {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return {};
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line?.slice('Max open files'.length).trim().split(/\s+/) ?? []).map((v) =>
    /^\d+$/.test(v) ? Number(v) : undefined,
  );
  return { soft, hard };
}

/**
 * Descriptors a process keeps for itself beyond its connections: its listening sockets, the files it
 * writes, stdio, its worker's pipes, V8's and libuv's own. A Node process running medtwin holds about
 * 30 with no connection open; 256 leaves room for reports and logs.
 */
export const DESCRIPTOR_RESERVE = 256;
