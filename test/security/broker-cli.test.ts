import type { RunResult } from '../../src/scenario/result.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('medtwin broker --tls', () => {
  it('serves mqtts and writes the CA certificate a client verifies it with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-broker-tls-'));
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'medtwin.js'), 'broker', '--tls', '--port', '0', '--tls-dir', dir, '--ready-json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the broker exited with ${code}`)));
      });
      const ready = JSON.parse(line) as { url: string; port: number; ca: string };
      expect(ready.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.ca).toBe(join(dir, 'ca.pem'));
      const ca = readFileSync(ready.ca, 'utf8');
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(ca).not.toContain('PRIVATE KEY');
      expect(statSync(ready.ca).mode & 0o777).toBe(0o644);
      const client = await mqtt.connectAsync(ready.url, { ca, servername: 'localhost', rejectUnauthorized: true, reconnectPeriod: 0 });
      expect(client.connected).toBe(true);
      await client.endAsync();
      // Without the CA the broker's certificate does not verify.
      await expect(
        mqtt.connectAsync(ready.url, { servername: 'localhost', rejectUnauthorized: true, reconnectPeriod: 0 }),
      ).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('medtwin run with a security profile', () => {
  /** Runs the CLI on a one-monitor scenario whose file says `security: hardened`; the JSON report and exit code. */
  async function run(...flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-run-security-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      'name: t\nduration: 1m\nfleet:\n  zones:\n    - { id: icu, beds: 1, devices: { patient-monitor: 1 } }\nsecurity: hardened\n',
    );
    const child = spawn(process.execPath, [join(root, 'bin', 'medtwin.js'), 'run', file, '--reporter', 'json', ...flags], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  }

  it("applies the scenario's profile, and --security replaces it; the report says which controls were on", async () => {
    const hardened = await run();
    expect(hardened.code).toBe(0);
    const report = JSON.parse(hardened.stdout) as RunResult;
    expect(report.security).toMatchObject({ profile: 'hardened', broker: { accepted: 3, refused: 0 } });
    expect(report.security!.controls).toContain('mutualTls');
    expect(report.broker.url).toMatch(/^mqtts:/);
    const open = await run('--security', 'open');
    expect(open.code).toBe(0);
    expect((JSON.parse(open.stdout) as RunResult).security).toMatchObject({ profile: 'open', controls: [] });
  });

  it('refuses an unknown profile with the valid names (exit 2)', async () => {
    const bogus = await run('--security', 'strict');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(`argument 'strict' is invalid. expected one of open, baseline, hardened, received "strict"`);
  });
});
