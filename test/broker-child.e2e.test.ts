import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/cli.ts';
import { alive, childrenOf, portIsFree } from './helpers/processes.ts';

describe('the broker child process', () => {
  it('runs its own entry point, not the CLI, and exits when its parent is killed with SIGKILL, releasing the port', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'fixtures', 'broker-parent', 'parent.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).on('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
      parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before its broker was ready`)));
    });
    const port = Number(new URL(url).port);
    const brokers = childrenOf(parent.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('broker-child.ts'));
    expect(brokers).toHaveLength(1);
    const command = readFileSync(`/proc/${brokers[0]}/cmdline`, 'utf8').split('\0');
    expect(command.some((arg) => arg.endsWith(join('src', 'runtime', 'broker-child.ts')))).toBe(true);
    expect(command.some((arg) => arg.includes(join('src', 'cli')))).toBe(false);
    expect(await portIsFree(port)).toBe(false);

    parent.kill('SIGKILL');
    // No cleanup code of the parent runs: the child notices its stdin close and takes the broker down.
    await expect.poll(() => alive(brokers[0]!), { timeout: 15_000, interval: 100 }).toBe(false);
    await expect.poll(() => portIsFree(port), { timeout: 15_000, interval: 100 }).toBe(true);
  });
});
