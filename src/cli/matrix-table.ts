import type { AttackObservation } from '../runtime/attack-probe.ts';
import { distribution } from '../runtime/study-tally.ts';

/** One scenario run under one profile and one seed: its attacks' observations. */
export interface MatrixRun {
  scenario: string;
  profile: string;
  seed: string;
  attacks: AttackObservation[];
}

/** One row of the control efficacy matrix: an attack (or a scenario without one) under a profile. */
export interface MatrixRow {
  scenario: string;
  /** Timeline entry id and attack name; null for a scenario whose timeline has no attack. */
  entry: string | null;
  attack: string | null;
  profile: string;
  seeds: number;
  /** Share of seeds where every launch achieved nothing (the `prevented` judgement), 0..1. */
  prevented: number | null;
  /** Share of seeds with an IDS alert by the attack's rules before the run's end, 0..1. */
  detected: number | null;
  /** Time to detection over the detected seeds, seconds of simulated time (per seed: the mean over its launches). */
  mttdP50S: number | null;
  mttdP95S: number | null;
  /**
   * Mean over seeds of each clinical-impact metric the attack's catalogue entry names, summed over its
   * launches: what the run shows beyond the same seed and profile with the attacks withheld.
   */
  impact: Record<string, number>;
}

export interface Matrix {
  profiles: string[];
  seeds: string[];
  rows: MatrixRow[];
}

/**
 * Folds runs into rows: one per (scenario, attack entry, profile) in the order first seen; a scenario
 * whose runs name no attack gets one row per profile with null figures.
 */
export function buildMatrix(runs: readonly MatrixRun[], profiles: readonly string[], seeds: readonly string[]): Matrix {
  const groups = new Map<
    string,
    { scenario: string; entry: string | null; attack: string | null; profile: string; obs: AttackObservation[]; seeds: number }
  >();
  for (const run of runs) {
    if (run.attacks.length === 0) {
      const key = JSON.stringify([run.scenario, null, run.profile]);
      const group = groups.get(key) ?? { scenario: run.scenario, entry: null, attack: null, profile: run.profile, obs: [], seeds: 0 };
      group.seeds++;
      groups.set(key, group);
    }
    for (const observation of run.attacks) {
      const key = JSON.stringify([run.scenario, observation.id, run.profile]);
      const group = groups.get(key) ?? {
        scenario: run.scenario,
        entry: observation.id,
        attack: observation.attack,
        profile: run.profile,
        obs: [],
        seeds: 0,
      };
      group.obs.push(observation);
      group.seeds++;
      groups.set(key, group);
    }
  }
  const rows = [...groups.values()].map(({ obs, ...group }): MatrixRow => {
    if (group.entry === null) return { ...group, prevented: null, detected: null, mttdP50S: null, mttdP95S: null, impact: {} };
    const delays = obs.flatMap((o) => (o.detected && o.mttdS !== null ? [o.mttdS] : []));
    const mttd = delays.length === 0 ? null : distribution(delays);
    const impact: Record<string, number> = {};
    for (const name of new Set(obs.flatMap((o) => Object.keys(o.impact))))
      impact[name] = obs.reduce((sum, o) => sum + (o.impact[name] ?? 0), 0) / obs.length;
    return {
      ...group,
      prevented: obs.filter((o) => o.prevented).length / obs.length,
      detected: obs.filter((o) => o.detected).length / obs.length,
      mttdP50S: mttd?.p50 ?? null,
      mttdP95S: mttd?.p95 ?? null,
      impact,
    };
  });
  return { profiles: [...profiles], seeds: [...seeds], rows };
}

const HEADER = [
  'scenario',
  'attack',
  'profile',
  'seeds',
  'prevented',
  'detected',
  'MTTD p50',
  'MTTD p95',
  'clinical impact (mean per seed)',
];

function cells(row: MatrixRow): string[] {
  const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
  const sec = (v: number | null) => (v === null ? '-' : `${Number(v.toFixed(1))} s`);
  const impact = Object.entries(row.impact)
    .map(([name, value]) => `${name} ${Number(value.toFixed(2))}`)
    .join(', ');
  if (row.entry === null) return [row.scenario, '(no attack in its timeline)', row.profile, String(row.seeds), '-', '-', '-', '-', '-'];
  return [
    row.scenario,
    row.entry === row.attack ? row.entry : `${row.entry} (${row.attack})`,
    row.profile,
    String(row.seeds),
    pct(row.prevented),
    pct(row.detected),
    sec(row.mttdP50S),
    sec(row.mttdP95S),
    impact || 'none measured',
  ];
}

/** The matrix as an aligned plain-text table for the console. */
export function formatMatrixText(matrix: Matrix): string {
  const body = [HEADER, ...matrix.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(body[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.slice(1).map(line)].join('\n');
}

/** The matrix as a Markdown table. */
export function formatMatrixMarkdown(matrix: Matrix): string {
  const line = (r: string[]) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...matrix.rows.map((r) => line(cells(r)))].join('\n');
}
