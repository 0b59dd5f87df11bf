import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { medtwin, root } from './helpers/cli.ts';

const out = mkdtempSync(join(tmpdir(), 'medtwin-cli-'));

describe('medtwin CLI', () => {
  it('prints help and version', async () => {
    const help = await medtwin(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--reporter <name[:path]>');
    expect(help.stdout).toContain('--seeds <range>');
    const version = await medtwin(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('exits 0 when every expectation holds, and writes a JUnit file a real XML parser reads', async () => {
    const junit = join(out, 'pass.xml');
    const json = join(out, 'pass.json');
    const result = await medtwin([
      'run',
      'test/fixtures/scenarios/pass.yaml',
      '--reporter',
      'list',
      '--reporter',
      `junit:${junit}`,
      '--reporter',
      `json:${json}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ occlusion alarm within 1 minute/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.seed).toBe('11');
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    const suite = xml.testsuites.testsuite;
    expect(suite.name).toBe('cli-pass [seed 11]');
    // One testcase per expectation, plus the transport delivery check.
    expect(Number(suite.tests)).toBe(report.expectations.length + 1);
    expect(Number(suite.failures)).toBe(0);
  });

  it('exits 1 when an expectation fails, with the evidence in the report', async () => {
    const json = join(out, 'fail.json');
    const junit = join(out, 'fail.xml');
    const result = await medtwin([
      'run',
      'test/fixtures/scenarios/fail.yaml',
      '--reporter',
      `json:${json}`,
      '--reporter',
      `junit:${junit}`,
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.ok).toBe(false);
    const failed = report.expectations.find((e: { name: string }) => e.name === 'occlusion alarm within 1 minute');
    expect(failed.passed).toBe(false);
    expect(failed.evidence.length).toBeGreaterThan(0);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    expect(Number(xml.testsuites.testsuite.failures)).toBe(1);
  });

  it('exits 2 with file, line and field for a broken scenario', async () => {
    const result = await medtwin(['run', 'test/fixtures/broken/bad-duration.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/test\/fixtures\/broken\/bad-duration\.yaml:\d+:\d+ /);
  });

  it('exits 2 for bad flags and unknown reporters, naming the fix', async () => {
    const flag = await medtwin(['run', 'test/fixtures/scenarios/pass.yaml', '--seeds', '9..1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('expected a seed range like "1..100"');
    const reporter = await medtwin(['run', 'test/fixtures/scenarios/pass.yaml', '--reporter', 'junti']);
    expect(reporter.code).toBe(2);
    expect(reporter.stderr).toContain('did you mean "junit"');
    // A settle window of 0 would never advance the clock.
    const sync = await medtwin(['run', 'test/fixtures/scenarios/pass.yaml', '--sync', '0s']);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--sync.*expected a duration longer than 0/s);
    const missing = await medtwin(['run', 'no/such/file.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file.yaml');
  });

  it('refuses a busy broker port, naming the flag, as an environment problem (exit 3)', async () => {
    const { EmbeddedBroker } = await import('../src/net/broker.ts');
    const busy = await EmbeddedBroker.start();
    try {
      const result = await medtwin(['broker', '--port', String(busy.port)]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `port ${busy.port} on 127.0.0.1 is already in use; choose another with --port, or --port 0 for a free one`,
      );
    } finally {
      await busy.close();
    }
  });

  it('points a non-interactive user of the terminal UI to medtwin run', async () => {
    const result = await medtwin([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('medtwin run');
  });

  it('lists faults, devices and scenarios', async () => {
    const faults = await medtwin(['list', 'faults', '--json']);
    expect(faults.code).toBe(0);
    const names = JSON.parse(faults.stdout).map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(['sensor.drift', 'device.occlusion-downstream', 'device.firmware-hang']));
    // The attack catalogue too, as a timeline names it.
    const attack = JSON.parse(faults.stdout).find((f: { name: string }) => f.name === 'attack.forged-pause');
    expect(attack).toMatchObject({ category: 'attack' });
    const devices = await medtwin(['list', 'devices']);
    expect(devices.stdout).toContain('infusion-pump');
    const scenarios = await medtwin(['list', 'scenarios']);
    expect(scenarios.stdout).toContain('scenarios/ward.yaml');
    const bad = await medtwin(['list', 'fautls']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "faults"');
  });
});
