import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.ts';

async function text(spool: Spool): Promise<string> {
  let out = '';
  for await (const part of spool.read()) out += String(part);
  return out;
}

describe('Spool', () => {
  it('keeps small text in memory', async () => {
    const spool = new Spool(1024);
    spool.append('a');
    spool.append('b');
    expect(spool.file).toBeUndefined();
    expect(await text(spool)).toBe('ab');
  });

  it('goes to a temporary file past its memory limit, reads back everything in order, and removes the file', async () => {
    const spool = new Spool(100);
    const lines = Array.from({ length: 50 }, (_, i) => `<suite n="${i}"/>\n`);
    for (const line of lines) spool.append(line);
    const file = spool.file!;
    expect(existsSync(file)).toBe(true);
    expect(await text(spool)).toBe(lines.join(''));
    spool.dispose();
    expect(existsSync(file)).toBe(false);
  });
});
