import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS } from './keys.ts';

describe('KEYS', () => {
  it('are all documented in docs/tui.md, as the help overlay shows them', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'tui.md'), 'utf8');
    for (const k of KEYS) expect(doc).toContain(`| \`${k.keys}\` | ${k.action}${k.where ? ` (${k.where})` : ''} |`);
  });
});
