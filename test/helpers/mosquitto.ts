import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'];

/** Path of a mosquitto binary, or undefined. */
export function findMosquitto(): string | undefined {
  for (const bin of CANDIDATES) {
    const probe = spawnSync(bin, ['-h'], { stdio: 'ignore' });
    if (!probe.error) return bin;
  }
  return undefined;
}

/**
 * Why Mosquitto tests cannot run here, or undefined when they can. CI sets MEDTWIN_REQUIRE_MOSQUITTO=1,
 * which turns a missing binary into a failing test instead of a skip.
 */
export function mosquittoSkipReason(): string | undefined {
  if (findMosquitto()) return undefined;
  const reason = 'mosquitto is not installed (apt-get install mosquitto); skipping the real-Mosquitto test';
  if (process.env.MEDTWIN_REQUIRE_MOSQUITTO === '1') throw new Error(`${reason} — but MEDTWIN_REQUIRE_MOSQUITTO=1 requires it`);
  return reason;
}

export async function freePort(): Promise<number> {
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

export interface MosquittoInstance {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a private Mosquitto on a free loopback port with its own config (never the system's 1883). */
export async function startMosquitto(extraConfig = '', options: { allowAnonymous?: boolean } = {}): Promise<MosquittoInstance> {
  const bin = findMosquitto();
  if (!bin) throw new Error('mosquitto is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    `listener ${port} 127.0.0.1\nallow_anonymous ${options.allowAnonymous ?? true}\npersistence false\nmax_keepalive 300\n${extraConfig}\n`,
  );
  const child: ChildProcess = spawn(bin, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  await waitForPort(port, 5000).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`mosquitto did not start on port ${port}: ${(error as Error).message}\n${stderr}`);
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
