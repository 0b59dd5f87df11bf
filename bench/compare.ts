/**
 * Alternating A/B pairs (`npm run bench:compare -- REF`): the same benchmark rows run against the code
 * at a git ref and against the working tree, back to back, order swapped every pair. The machine's
 * speed drifts by 10–25 % within an hour here (docs/benchmarks.md), more than most changes are worth,
 * so one run of each side decides nothing; pairs taken minutes apart do.
 *
 *   npm run bench:compare -- main                         # the ward row, 3 pairs
 *   npm run bench:compare -- HEAD~3 --rows ward,fast-1000 --pairs 5
 *   npm run bench:compare -- v0.3.0 --rows realtime-10000,monitors-10000
 *   npm run bench:compare -- main --rows ward --links link-thread       # both sides with the clients on a link thread
 *   npm run bench:compare -- HEAD --rows ward --links in-thread:link-thread  # one tree, the two placements
 *
 * The ref is checked out in a temporary git worktree that borrows this tree's node_modules, so both
 * sides run the same dependencies; a ref whose package-lock.json differs is compared on this tree's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LinkPlacement } from '../src/runtime/run.ts';
import type { RowSpec, SimRowResult } from './fleet-row.ts';
import { errorLine, runRowProcess } from './row-process.ts';

const LINKS: readonly LinkPlacement[] = ['in-thread', 'link-thread'];

/** The rows a comparison can run, by name: what `npm run bench` runs under the same name. */
export const PRESETS: Record<string, RowSpec> = {
  ward: { kind: 'ward', devices: 100, mix: 'ward', durationMs: 3_600_000 },
  'fast-100': { kind: 'fast', devices: 100, mix: 'ward', durationMs: 600_000 },
  'fast-1000': { kind: 'fast', devices: 1000, mix: 'ward', durationMs: 120_000 },
  'fast-10000': { kind: 'fast', devices: 10_000, mix: 'ward', durationMs: 10_000 },
  'realtime-1000': { kind: 'realtime', devices: 1000, mix: 'ward', durationMs: 30_000 },
  'realtime-10000': { kind: 'realtime', devices: 10_000, mix: 'ward', durationMs: 30_000 },
  'monitors-10000': { kind: 'realtime', devices: 10_000, mix: 'monitors', durationMs: 30_000 },
};

/** What a pair compares: throughput for virtual-time rows, latency for realtime ones, CPU per message for both. */
export interface Figures {
  messagesPerSecond: number;
  cpuUsPerMessage: number;
  p99Ms?: number;
  steadyP99Ms?: number;
}

export function figuresOf(r: SimRowResult): Figures {
  const figures: Figures = {
    messagesPerSecond: r.messagesPerSecond,
    cpuUsPerMessage: (r.cpu.simProcessS * 1e6) / Math.max(1, r.published),
  };
  if (r.latency) {
    figures.p99Ms = r.latency.p99Ms;
    figures.steadyP99Ms = r.latency.steady.p99Ms;
  }
  return figures;
}

/** The median of head ÷ base over the pairs, with the lowest and highest: "1.12× (1.05–1.19)". */
export function ratioSummary(base: number[], head: number[]): string {
  const ratios = base.map((b, i) => head[i]! / b).sort((a, b) => a - b);
  if (ratios.length === 0) return '–';
  const mid = ratios.length / 2;
  const median = ratios.length % 2 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return `${median.toFixed(2)}× (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)})`;
}

function fail(message: string): never {
  process.stderr.write(`bench:compare: ${message}\n`);
  process.exit(2);
}

async function runRow(tree: string, spec: RowSpec): Promise<SimRowResult> {
  const { result, code, stderr } = await runRowProcess(spec, { tree });
  if (result === undefined || result.kind === 'ceiling' || result.kind === 'proxy')
    throw new Error(`the row failed in ${tree} (exit code ${code}): ${stderr ? errorLine(stderr) : 'no output'}`);
  return result;
}

async function main(): Promise<void> {
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string', default: 'ward' },
      pairs: { type: 'string', default: '3' },
      links: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (args.help || positionals.length !== 1) {
    process.stdout.write(`npm run bench:compare -- <git-ref> [options]

Runs benchmark rows against the code at <git-ref> and against the working tree in alternating
pairs (the order swaps every pair), and prints each pair and the median ratio, working tree ÷ ref.

  --rows <name,...>   ${Object.keys(PRESETS).join(', ')} (default ward)
  --pairs <n>         pairs per row (default 3)
  --links <where>     in-thread or link-thread: where both sides run the device clients (default: as
                      medtwin run places them, a link thread from 1,000 devices); <ref's>:<tree's>
                      (in-thread:link-thread) gives each side its own, to compare the placements
`);
    process.exit(args.help ? 0 : 2);
  }
  const rows = args.rows.split(',').map((name) => {
    const spec = PRESETS[name.trim()];
    if (!spec) fail(`--rows: expected names from ${Object.keys(PRESETS).join(', ')}, received ${JSON.stringify(name)}`);
    return { name: name.trim(), spec };
  });
  const links = args.links === undefined ? undefined : parseLinks(args.links);
  const pairs = Number(args.pairs);
  if (!Number.isInteger(pairs) || pairs < 1) fail(`--pairs: expected a whole number of at least 1, received ${JSON.stringify(args.pairs)}`);

  const here = fileURLToPath(new URL('..', import.meta.url));
  const ref = positionals[0]!;
  let sha: string;
  try {
    sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
      cwd: here,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    fail(`${JSON.stringify(ref)} is not a commit in ${here}; give a branch, tag or commit`);
  }
  const base = join(mkdtempSync(join(tmpdir(), 'medtwin-compare-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', base, sha], { cwd: here, stdio: 'ignore' });
  try {
    if (!existsSync(join(base, 'bench/fleet-row.ts'))) throw new Error(`${ref} (${sha.slice(0, 8)}) has no bench/fleet-row.ts to run`);
    symlinkSync(join(here, 'node_modules'), join(base, 'node_modules'));
    const where = links === undefined ? '' : `, device clients: ${ref} ${links.base}, working tree ${links.head}`;
    process.stdout.write(`comparing the working tree with ${ref} (${sha.slice(0, 8)}), ${pairs} alternating pairs per row${where}\n`);
    for (const { name, spec } of rows) {
      const results: { base: Figures; head: Figures }[] = [];
      for (let i = 0; i < pairs; i++) {
        // Swap the order every pair, so a machine speeding up or slowing down favours neither side.
        const order = i % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
        const pair: Partial<Record<'base' | 'head', Figures>> = {};
        for (const side of order) {
          const placed = links === undefined ? spec : { ...spec, links: links[side] };
          pair[side] = figuresOf(await runRow(side === 'base' ? base : here, placed));
        }
        results.push(pair as { base: Figures; head: Figures });
        process.stderr.write(`  ${name} pair ${i + 1}/${pairs} done\n`);
      }
      process.stdout.write(`\n${formatComparison(name, ref, results)}\n`);
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', base], { cwd: here, stdio: 'ignore' });
  }
}

/** `--links`: one placement for both sides, or `base:head`. */
export function parseLinks(value: string): { base: LinkPlacement; head: LinkPlacement } {
  const parts = value.split(':');
  const bad = parts.length > 2 || parts.some((p) => !LINKS.includes(p as LinkPlacement));
  if (bad)
    throw new Error(`--links: expected ${LINKS.join(' or ')}, or two of them as <ref's>:<tree's>, received ${JSON.stringify(value)}`);
  const [base, head = base] = parts as [LinkPlacement, LinkPlacement?];
  return { base, head };
}

/** One row's pairs as a Markdown table, then the median ratios. */
export function formatComparison(name: string, ref: string, results: { base: Figures; head: Figures }[]): string {
  const realtime = results.some((r) => r.base.p99Ms !== undefined);
  const cell = (f: Figures) =>
    realtime
      ? `p99 ${Math.round(f.p99Ms ?? NaN)} ms (after 5 s ${Math.round(f.steadyP99Ms ?? NaN)}) · ${f.cpuUsPerMessage.toFixed(0)} µs CPU/msg`
      : `${Math.round(f.messagesPerSecond).toLocaleString('en-US')} msg/s · ${f.cpuUsPerMessage.toFixed(0)} µs CPU/msg`;
  const lines = [`#### ${name}`, '', `| pair | ${ref} | working tree |`, '| --- | --- | --- |'];
  results.forEach((r, i) => lines.push(`| ${i + 1} | ${cell(r.base)} | ${cell(r.head)} |`));
  const pick = (key: keyof Figures) => [results.map((r) => r.base[key] ?? NaN), results.map((r) => r.head[key] ?? NaN)] as const;
  lines.push('', `working tree ÷ ${ref}, median (range):`);
  if (realtime) {
    lines.push(`- p99 latency ${ratioSummary(...pick('p99Ms'))}; after 5 s ${ratioSummary(...pick('steadyP99Ms'))} (below 1 is better)`);
  } else {
    lines.push(`- msg/s ${ratioSummary(...pick('messagesPerSecond'))} (above 1 is better)`);
  }
  lines.push(`- simulation CPU per message ${ratioSummary(...pick('cpuUsPerMessage'))} (below 1 is better)`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Errors are thrown, not exited on, inside main: its `finally` must remove the worktree.
  await main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
}
