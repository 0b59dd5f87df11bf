import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { bin, medtwin, root } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'medtwin-guards-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const PASS = 'test/fixtures/scenarios/pass.yaml';

describe('medtwin: input that cannot take the tool down', () => {
  it('refuses a binary file as "not a text file", in one line, exit 2', async () => {
    const binary = file('binary.yaml', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]));
    const result = await medtwin(['validate', binary]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(
      `FAIL ${binary} (1 problem)\n  ${binary}:1:7 not a text file: bytes that are not UTF-8 at byte 6; a scenario is YAML text in UTF-8 — is this the right file?\n`,
    );
  });

  it('refuses a scenario file over the size limit before parsing it, exit 2', async () => {
    const huge = file('huge.yaml', `name: huge\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const result = await medtwin(['run', huge]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${huge}:1:1 the file is 2.0 MiB; a scenario file is at most 1.0 MiB — is this the right file?`);
  });

  it('requires a unit on durations: `duration: 30` is an error, not 30 ms', async () => {
    const unitless = file(
      'unitless.yaml',
      'name: unitless\nduration: 30\nfleet:\n  zones:\n    - { id: icu, beds: 1, devices: { cgm: 1 } }\n',
    );
    const result = await medtwin(['validate', unitless]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `${unitless}:2:11 duration: a duration needs a unit: write "30s" for seconds or "30ms" for milliseconds`,
    );
    const flag = await medtwin(['run', PASS, '--duration', '30']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('expected a duration like "30s"');
  });

  it('refuses a --duration that ends the run before its timeline does, exit 2', async () => {
    const result = await medtwin(['run', PASS, '--duration', '30s']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--duration 30s ends test/fixtures/scenarios/pass.yaml before this entry starts:\n  timeline[0] (occlusion) starts at 1m',
    );
    expect(result.stderr).toContain('Give --duration 1m or more');
  });

  it('checks every scenario against --broker before the first runs, and names the one that cannot', async () => {
    // Nothing listens on port 1: the refusal comes before the broker is even probed, and before the
    // scenario that could run there does.
    const result = await medtwin(['run', PASS, 'scenarios/attacks/forged-pause.yaml', '--broker', 'mqtt://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "scenarios/attacks/forged-pause.yaml: the intrusion detector taps medtwin's embedded broker, and mqtt://127.0.0.1:1 is another",
    );
    expect(result.stdout).not.toMatch(/passed|failed/);
    const restart = await medtwin(['run', PASS, 'scenarios/broker-restart.yaml', '--broker', 'mqtt://127.0.0.1:1']);
    expect(restart.code).toBe(2);
    expect(restart.stderr).toContain('scenarios/broker-restart.yaml: its broker restart (network.broker-restart) needs');
  });

  it('suggests the nearest command for an unknown one, exit 2', async () => {
    const result = await medtwin(['rnu', PASS]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'medtwin: unknown command "rnu" — did you mean "run"?; the commands are run, validate, list, broker, audit, matrix, tui (medtwin --help)\n',
    );
  });
});

describe('medtwin run --persistence', () => {
  it('refuses a store that is neither memory nor a Redis URL, exit 2', async () => {
    const result = await medtwin(['run', PASS, '--persistence', 'postgres://127.0.0.1/x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--persistence: expected "memory" or a redis:// URL, received "postgres://127.0.0.1/x"');
  });

  it('refuses it beside --broker (an external broker keeps its own state), exit 2', async () => {
    const result = await medtwin(['run', PASS, '--broker', 'mqtt://127.0.0.1:1883', '--persistence', 'redis://127.0.0.1:6379']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--persistence chooses the store of medtwin's own embedded broker");
  });
});

describe('medtwin run --broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await EmbeddedBroker.start();
  });
  afterAll(() => broker.close());

  it('refuses a URL of another protocol, naming what to write, exit 2', async () => {
    const result = await medtwin(['run', PASS, '--broker', 'http://127.0.0.1:8080']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected an MQTT broker address like mqtt://127.0.0.1:1883, received "http://127.0.0.1:8080"');
  });

  it('accepts host:port as mqtt://host:port', async () => {
    const result = await medtwin(['run', PASS, '--broker', `127.0.0.1:${broker.port}`, '--reporter', 'list']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ PASSED');
  });

  it('exits 3 (environment) when nothing listens there', async () => {
    // Bound and closed at once: a loopback port nothing listens on.
    const spare = await EmbeddedBroker.start();
    const port = spare.port;
    await spare.close();
    const result = await medtwin(['run', PASS, '--broker', `mqtt://127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach the MQTT broker at mqtt://127.0.0.1:${port}: connect ECONNREFUSED`);
  });

  it('exits 3 when the server there is not an MQTT broker', async () => {
    const http = createServer((_req, res) => res.end('not mqtt'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const result = await medtwin(['run', PASS, '--broker', `127.0.0.1:${port}`]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`the server at mqtt://127.0.0.1:${port} did not answer as an MQTT 3.1.1 broker`);
    } finally {
      http.close();
    }
  });
});

describe('medtwin run pre-flight', () => {
  it('refuses a fleet larger than the descriptor limit before connecting anything, naming the remedies, exit 3', async () => {
    const big = file(
      'big.yaml',
      'name: big\nduration: 1m\nfleet:\n  zones:\n    - { id: ward, beds: 5000, devices: { patient-monitor: 5000 } }\n',
    );
    // Its own soft limit of 4,000 descriptors, whatever this machine's is: 5,000 connections cannot fit.
    const result = await medtwinWithLimit(4000, ['run', big]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('a fleet of 5,000 devices will not fit in this process; nothing was started:');
    expect(result.stderr).toContain(
      'descriptors: the simulation needs about 5,257 open files (one per device connection, plus 256 for itself), and this process may open 4,000',
    );
    expect(result.stderr).toMatch(
      /split the fleet into shards of at most 3,743 devices, each its own medtwin run, all pointed at one broker with --broker/,
    );
    expect(result.stderr).not.toContain('EMFILE');
    expect(result.stdout).toBe('');
  });
});

/** The CLI under `ulimit -n <soft>` (soft and hard: Node raises its soft limit to the hard one at startup). */
function medtwinWithLimit(soft: number, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', `ulimit -n ${soft} && exec "$0" "$@"`, process.execPath, bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
