import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTACK_NAMES } from './registry.ts';
import { renderAttackCatalogue, spliceAttackCatalogue } from './catalogue-docs.ts';

describe('docs/attacks.md', () => {
  const doc = readFileSync(new URL('../../../docs/attacks.md', import.meta.url), 'utf8');

  it('holds the catalogue as the registries generate it (run `npm run docs` after changing an attack, rule or metric)', () => {
    expect(spliceAttackCatalogue(doc, renderAttackCatalogue())).toBe(doc);
  });

  it('lists every attack of the registry', () => {
    for (const name of ATTACK_NAMES) expect(doc).toContain(`\`${name}\``);
  });
});
