import { describe, expect, it } from 'vitest';
import type { AttackObservation } from '../runtime/attack-probe.ts';
import { buildMatrix, formatMatrixMarkdown, formatMatrixText, type MatrixRun } from './matrix-table.ts';

const obs = (over: Partial<AttackObservation>): AttackObservation => ({
  id: 'fp',
  attack: 'attack.forged-pause',
  prevented: false,
  detected: false,
  mttdS: null,
  impact: {},
  ...over,
});

describe('buildMatrix', () => {
  const runs: MatrixRun[] = [
    {
      scenario: 's.yaml',
      profile: 'open',
      seed: '1',
      attacks: [obs({ detected: true, mttdS: 2, impact: { 'therapy-interruption-minutes': 8 } })],
    },
    {
      scenario: 's.yaml',
      profile: 'open',
      seed: '2',
      attacks: [obs({ detected: true, mttdS: 6, impact: { 'therapy-interruption-minutes': 4 } })],
    },
    { scenario: 's.yaml', profile: 'open', seed: '3', attacks: [obs({ impact: { 'therapy-interruption-minutes': 0 } })] },
    {
      scenario: 's.yaml',
      profile: 'hardened',
      seed: '1',
      attacks: [obs({ prevented: true, impact: { 'therapy-interruption-minutes': 0 } })],
    },
    { scenario: 'calm.yaml', profile: 'open', seed: '1', attacks: [] },
  ];
  const matrix = buildMatrix(runs, ['open', 'hardened'], ['1', '2', '3']);

  it('gives shares over seeds, MTTD percentiles over detected seeds, and mean impact per seed', () => {
    const open = matrix.rows.find((r) => r.scenario === 's.yaml' && r.profile === 'open')!;
    expect(open).toMatchObject({ seeds: 3, prevented: 0, detected: 2 / 3, mttdP50S: 2, mttdP95S: 6 });
    expect(open.impact['therapy-interruption-minutes']).toBe(4);
    const hardened = matrix.rows.find((r) => r.profile === 'hardened')!;
    expect(hardened).toMatchObject({ seeds: 1, prevented: 1, detected: 0, mttdP50S: null, mttdP95S: null });
  });

  it('reports a scenario without attacks as such, with no figures', () => {
    const calm = matrix.rows.find((r) => r.scenario === 'calm.yaml')!;
    expect(calm).toMatchObject({ entry: null, prevented: null, detected: null, impact: {} });
    expect(formatMatrixText(matrix)).toContain('(no attack in its timeline)');
  });

  it('formats the same rows as text and Markdown', () => {
    const text = formatMatrixText(matrix).split('\n');
    expect(text).toHaveLength(2 + matrix.rows.length);
    expect(text[2]).toMatch(/s\.yaml\s+fp \(attack\.forged-pause\)\s+open\s+3\s+0%\s+67%\s+2 s\s+6 s\s+therapy-interruption-minutes 4/);
    const md = formatMatrixMarkdown(matrix).split('\n');
    expect(md[1]).toMatch(/^\| --- \|/);
    expect(md).toHaveLength(2 + matrix.rows.length);
  });
});
