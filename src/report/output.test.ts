import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutput, writeOutputParts } from './output.ts';

const dir = mkdtempSync(join(tmpdir(), 'medtwin-output-'));

describe('writeOutput', () => {
  it('replaces a report whole, leaving no temporary file', async () => {
    const path = join(dir, 'nested', 'report.json');
    await writeOutput('{"first":1}', { path });
    await writeOutput('{"second":2}', { path });
    expect(readFileSync(path, 'utf8')).toBe('{"second":2}');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['report.json']);
  });

  it('appends where asked (a job summary shared by steps)', async () => {
    const path = join(dir, 'summary.md');
    await writeOutput('a\n', { path, append: true });
    await writeOutput('b\n', { path, append: true });
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });

  it('a reader never sees half a report, and a process killed while writing leaves the previous one', async () => {
    const path = join(dir, 'killed.json');
    const previous = '{"previous":"report"}';
    writeFileSync(path, previous);
    const size = 200 * 1024 * 1024;
    // A child writes a 200 MB report; this process watches the file's size all along, and kills the
    // child with SIGKILL as soon as bytes of the new report appear anywhere in the directory.
    const script = `
      const { writeOutput } = await import(${JSON.stringify(join(import.meta.dirname, 'output.ts'))});
      const text = 'x'.repeat(${size});
      process.stdout.write('writing\\n');
      await writeOutput(text, { path: ${JSON.stringify(path)} });
      process.stdout.write('done\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let said = '';
    child.stdout.on('data', (d) => {
      said += String(d);
    });
    let exited = false;
    child.once('close', () => (exited = true));
    const seen = new Set<number>();
    let killed = false;
    while (!exited) {
      const now = statSync(path).size;
      seen.add(now);
      const begun =
        now !== previous.length ||
        readdirSync(dir).some((f) => f.includes('killed.json') && f !== 'killed.json' && statSync(join(dir, f)).size > 0);
      if (begun && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(killed).toBe(true);
    // Only ever the old report, or the whole new one if the child finished before the kill arrived.
    expect([...seen].filter((n) => n !== previous.length && n !== size)).toEqual([]);
    if (!said.includes('done')) expect(readFileSync(path, 'utf8')).toBe(previous);
  });
});

describe('writeOutputParts', () => {
  it('writes the parts in order, whole, and a failure midway leaves the previous report and no temporary file', async () => {
    const path = join(dir, 'parts', 'report.xml');
    async function* parts(fail: boolean) {
      yield '<a>';
      yield Buffer.from('<b/>');
      if (fail) throw new Error('disk full');
      yield '</a>\n';
    }
    await writeOutputParts(parts(false), { path });
    expect(readFileSync(path, 'utf8')).toBe('<a><b/></a>\n');
    await expect(writeOutputParts(parts(true), { path })).rejects.toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('<a><b/></a>\n');
    expect(readdirSync(join(dir, 'parts'))).toEqual(['report.xml']);
  });
});
