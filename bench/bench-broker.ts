/**
 * The broker a benchmark row talks to, always in a child process, as large fleets run it (one process
 * holds ~20,000 descriptors and every connection costs one at each end). By default it is medtwin's own,
 * started through the runtime's path (src/runtime/broker-host.ts → src/runtime/broker-child.ts); if
 * that fails, the row says why and spawns the same entry point itself. For comparison a row can instead run Eclipse Mosquitto, the kind of broker
 * `medtwin run --broker URL` targets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openBroker } from '../src/runtime/broker-host.ts';
import { childPids, procCpuSeconds } from './proc-stats.ts';

export interface BenchBroker {
  url: string;
  /** The broker process's pid, for its memory and CPU. */
  pid: number | undefined;
  /** How it was started, for the report. */
  via:
    | 'medtwin broker child (broker-host child-process)'
    | 'medtwin broker in the simulation process (broker-host in-process)'
    | 'src/runtime/broker-child.ts (spawned by the bench)'
    | 'mosquitto (external broker, as --broker would use)';
  /** Why the runtime's path was not used, if it failed. */
  fallbackReason?: string;
  cpuSeconds(): number | undefined;
  /** False once the broker process has died (it used to, under a burst; see docs/broker.md#bursts). */
  alive(): boolean;
  close(): Promise<void>;
}

const FALLBACK = fileURLToPath(new URL('../src/runtime/broker-child.ts', import.meta.url));

export interface BenchBrokerOptions {
  /**
   * Node flags for the broker process (e.g. --cpu-prof). The runtime's path takes none, so with flags
   * the row spawns src/runtime/broker-child.ts directly: the same broker, a process the bench controls.
   */
  nodeArgs?: string[];
  /**
   * medtwin: its aedes as shipped, in a child process; medtwin-in-process: the same in this process, as
   * `medtwin run` places it for fleets up to 4,000 devices; mosquitto: Eclipse Mosquitto, the external
   * broker `--broker URL` is for.
   */
  kind?: 'medtwin' | 'medtwin-in-process' | 'mosquitto';
}

/** Starts a broker child; see the module comment for the order tried. */
export async function openBenchBroker(options: BenchBrokerOptions = {}): Promise<BenchBroker> {
  if (options.kind === 'mosquitto') return spawnMosquitto();
  if (options.kind === 'medtwin-in-process') {
    // The row's own process: its CPU is the simulation process's, its memory the row's.
    const handle = await openBroker({ placement: 'in-process' });
    return {
      url: handle.url,
      pid: undefined,
      via: 'medtwin broker in the simulation process (broker-host in-process)',
      cpuSeconds: () => undefined,
      alive: () => true,
      close: () => handle.close(),
    };
  }
  if (options.nodeArgs?.length) return spawnFallback(options.nodeArgs);
  const before = new Set(childPids());
  try {
    const handle = await openBroker({ placement: 'child-process' });
    const pid = childPids().find((p) => !before.has(p) && cmdline(p).includes('broker'));
    killOnExit(pid);
    return {
      url: handle.url,
      pid,
      via: 'medtwin broker child (broker-host child-process)',
      cpuSeconds: () => (pid ? procCpuSeconds(pid) : undefined),
      alive: () => pid === undefined || isAlive(pid),
      close: () => handle.close(),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const fallback = await spawnFallback([]);
    return { ...fallback, fallbackReason: reason };
  }
}

async function spawnFallback(nodeArgs: string[]): Promise<BenchBroker> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', FALLBACK], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('src/runtime/broker-child.ts did not report ready within 15 s')), 15_000);
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
      reject(new Error(`src/runtime/broker-child.ts exited with code ${code} before it was ready`));
    });
  });
  const pid = child.pid;
  killOnExit(pid);
  return {
    url,
    pid,
    via: 'src/runtime/broker-child.ts (spawned by the bench)',
    cpuSeconds: () => (pid ? procCpuSeconds(pid) : undefined),
    alive: () => child.exitCode === null && child.signalCode === null,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Mosquitto on a free loopback port with a throw-away config: anonymous, no persistence, no queue caps. */
async function spawnMosquitto(): Promise<BenchBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-bench-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  // Mosquitto's defaults (20 QoS 1 messages in flight, 1000 queued per client) drop messages on the
  // twin's one subscription as soon as a fleet boots — a lost message stalls every fast-mode settle.
  // TCP_NODELAY as medtwin's aedes sets it: otherwise Nagle + delayed ACK add up to 40 ms per settle.
  const settings = [
    'allow_anonymous true',
    'persistence false',
    'max_keepalive 300',
    'max_inflight_messages 0',
    'max_queued_messages 0',
    'set_tcp_nodelay true',
    'log_dest none',
  ];
  writeFileSync(config, `listener ${port} 127.0.0.1\n${settings.join('\n')}\n`);
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const pid = child.pid;
  killOnExit(pid);
  await waitForPort(port, 10_000);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid,
    via: 'mosquitto (external broker, as --broker would use)',
    cpuSeconds: () => (pid ? procCpuSeconds(pid) : undefined),
    alive: () => child.exitCode === null && child.signalCode === null,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (bounded: rejects after `timeoutMs`). */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`mosquitto did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function isAlive(pid: number): boolean {
  // A zombie (exited, not yet reaped) still has /proc/<pid>; its state letter is Z.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
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
