import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { medtwin, root } from './helpers/cli.ts';

/**
 * The reports `medtwin run` writes for CI, from the real binary: JUnit checked against a JUnit schema
 * (test/fixtures/junit/junit.xsd, validated by libxml2's xmllint) for a failing and an invalid scenario.
 */
const out = mkdtempSync(join(tmpdir(), 'medtwin-report-cli-'));
const schema = readFileSync(join(root, 'test', 'fixtures', 'junit', 'junit.xsd'), 'utf8');

type Case = {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: { message: string }[];
  error?: { message: string }[];
};
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'property'].includes(name),
});

/** Validates against the JUnit schema (failing with xmllint's own messages), then parses. */
async function junit(
  path: string,
): Promise<{ testsuites: { tests: string; failures: string; errors: string; testsuite: { name: string; testcase: Case[] }[] } }> {
  const xml = readFileSync(path, 'utf8');
  const result = await validateXML({ xml: { fileName: 'junit.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: schema } });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  expect(result.valid).toBe(true);
  return parser.parse(xml);
}

describe('medtwin run reports for CI', () => {
  it('writes schema-valid JUnit for a failing scenario, each case with its file and line', { timeout: 120_000 }, async () => {
    const path = join(out, 'fail.xml');
    const json = join(out, 'fail.json');
    const result = await medtwin(['run', 'test/fixtures/scenarios/fail.yaml', '--reporter', `junit:${path}`, '--reporter', `json:${json}`]);
    expect(result.code).toBe(1);
    const doc = (await junit(path)).testsuites;
    expect(doc).toMatchObject({ tests: '2', failures: '1', errors: '0' });
    const [detection, transport] = doc.testsuite[0]!.testcase;
    expect(detection).toMatchObject({
      name: 'occlusion alarm within 1 minute',
      classname: 'cli-fail [seed 11]',
      file: 'test/fixtures/scenarios/fail.yaml',
      line: '24',
    });
    expect(detection!.failure![0]!.message).toContain('occlusion.downstream raised never followed occlusion');
    expect(transport).toMatchObject({ name: 'transport delivery', file: 'test/fixtures/scenarios/fail.yaml', line: '5' });
    // The broker the CLI started for the invocation is its own embedded one, not an "external" broker.
    expect(JSON.parse(readFileSync(json, 'utf8')).broker.placement).toBe('in-process');
  });

  it('writes schema-valid JUnit with an error case for a scenario file that does not validate', { timeout: 60_000 }, async () => {
    const path = join(out, 'invalid.xml');
    const result = await medtwin(['run', 'test/fixtures/broken/bad-duration.yaml', '--reporter', `junit:${path}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('test/fixtures/broken/bad-duration.yaml:2:11');
    const doc = (await junit(path)).testsuites;
    expect(doc).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    const [c] = doc.testsuite[0]!.testcase;
    expect(c).toMatchObject({ name: 'scenario file is valid', file: 'test/fixtures/broken/bad-duration.yaml', line: '2' });
    expect(c!.error![0]!.message).toMatch(/^\d+ problems in test\/fixtures\/broken\/bad-duration\.yaml: nothing of it ran$/);
  });

  it('writes the event log as JSON Lines whose hash is the digest, and says in one line where the reports went', {
    timeout: 120_000,
  }, async () => {
    const events = join(out, 'events', 'pass.jsonl');
    const json = join(out, 'pass.json');
    const result = await medtwin([
      'run',
      'test/fixtures/scenarios/pass.yaml',
      '--reporter',
      `events:${events}`,
      '--reporter',
      `json:${json}`,
    ]);
    expect(result.code).toBe(0);
    // Only file reporters: the console still gets one line.
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^medtwin: ✓ 1 passed in \S+ · reports: events:.*pass\.jsonl, json:.*pass\.json$/),
    ]);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const log = readFileSync(events, 'utf8');
    expect(createHash('sha256').update(log).digest('hex')).toBe(report.digest);
    const lines = log.trimEnd().split('\n');
    expect(lines).toHaveLength(report.events);
    // Evidence ids are line numbers of the log.
    const detection = report.expectations.find((e: { type: string }) => e.type === 'detection');
    const [injected, alarm] = detection.evidence.map((id: number) => JSON.parse(lines[id - 1]!));
    expect(injected.type).toBe('fault.injected');
    expect(alarm.type).toBe('alarm.raised');
  });
});
