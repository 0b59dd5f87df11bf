import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMedtwin } from './helpers/cli.ts';
import { alive, childrenOf, portIsFree } from './helpers/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'medtwin-signals-'));

describe('medtwin run and signals', () => {
  it('SIGTERM at 5,000 devices: the run stops, writes its partial report marked interrupted, exits 143, and leaves no process and no bound port', async () => {
    const scenario = join(dir, 'five-thousand.yaml');
    writeFileSync(
      scenario,
      'name: five thousand\nduration: 6h\nfleet:\n  zones:\n    - { id: ward, beds: 5000, devices: { patient-monitor: 5000 } }\n',
    );
    const json = join(dir, 'partial.json');
    const { child, done } = startMedtwin(['run', scenario, '--reporter', 'list', '--reporter', `json:${json}`]);
    // The list reporter's first line names the broker once the fleet has connected and time runs.
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d) => {
        text += String(d);
        const match = /broker mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`medtwin exited (${code}) before it ran:\n${text}`)));
    });
    const brokers = childrenOf(child.pid!);
    const commands = brokers.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    // 5,000 devices: the broker runs in a child process.
    expect(commands.some((c) => c.includes('broker-child.ts'))).toBe(true);
    expect(await portIsFree(port)).toBe(false);

    child.kill('SIGTERM');
    const outcome = await done;
    expect(outcome.code).toBe(143);
    expect(outcome.stderr).toContain('medtwin: SIGTERM: stopping the run and writing its partial report');
    expect(outcome.stdout).toContain('■ INTERRUPTED  five thousand');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.interrupted).toEqual({ signal: 'SIGTERM' });
    expect(report.ok).toBe(false);
    expect(report.simulatedMs).toBeLessThan(6 * 3_600_000);
    // Nothing left behind: no broker process, and the port is free to bind again.
    // tsx's esbuild service (also a child) exits by itself once its parent's pipe closes: give it a moment.
    await expect
      .poll(() => brokers.flatMap((pid, i) => (alive(pid) ? [`process ${pid}: ${commands[i]}`] : [])), { timeout: 15_000, interval: 200 })
      .toEqual([]);
    expect(childrenOf(child.pid!)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  }, 300_000);
});
