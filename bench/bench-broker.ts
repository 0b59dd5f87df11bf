/**
 * The broker a benchmark row talks to: aedes in a child process, as large fleets run it (one process
 * holds ~20,000 descriptors and every connection costs one at each end). It is started through the
 * runtime's own path (src/runtime/broker-host.ts → `medtwin broker --ready-json`); if that fails, the
 * row says why and falls back to bench/broker-child.ts, which starts the same EmbeddedBroker.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openBroker } from '../src/runtime/broker-host.ts';
import { childPids, procCpuSeconds } from './proc-stats.ts';

export interface BenchBroker {
  url: string;
  /** The broker process's pid, for its memory and CPU. */
  pid: number | undefined;
  /** How it was started, for the report. */
  via: 'medtwin broker (broker-host child-process)' | 'bench/broker-child.ts (fallback)';
  /** Why the runtime's path was not used, if it was not. */
  fallbackReason?: string;
  cpuSeconds(): number | undefined;
  close(): Promise<void>;
}

const FALLBACK = fileURLToPath(new URL('./broker-child.ts', import.meta.url));

/** Starts a broker child; see the module comment for the order tried. */
export async function openBenchBroker(): Promise<BenchBroker> {
  const before = new Set(childPids());
  try {
    const handle = await openBroker({ placement: 'child-process' });
    const pid = childPids().find((p) => !before.has(p) && cmdline(p).includes('broker'));
    killOnExit(pid);
    return { url: handle.url, pid, via: 'medtwin broker (broker-host child-process)', cpuSeconds: () => (pid ? procCpuSeconds(pid) : undefined), close: () => handle.close() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const fallback = await spawnFallback();
    return { ...fallback, fallbackReason: reason };
  }
}

async function spawnFallback(): Promise<BenchBroker> {
  const child = spawn(process.execPath, ['--import', 'tsx', FALLBACK], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench/broker-child.ts did not report ready within 15 s')), 15_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const ready = JSON.parse(line) as { url?: string };
        if (ready.url) {
          clearTimeout(timer);
          resolve(ready.url);
        }
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench/broker-child.ts exited with code ${code} before it was ready`));
    });
  });
  const pid = child.pid;
  killOnExit(pid);
  return {
    url,
    pid,
    via: 'bench/broker-child.ts (fallback)',
    cpuSeconds: () => (pid ? procCpuSeconds(pid) : undefined),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** A row that crashes must not leave its broker behind. */
function killOnExit(pid: number | undefined): void {
  if (pid === undefined) return;
  process.once('exit', () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  });
}
