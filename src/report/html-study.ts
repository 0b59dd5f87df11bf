import type { StudyResult } from '../scenario/result.ts';
import { distributionPlot } from './distribution-plot.ts';
import { escapeHtml as esc } from './escape.ts';
import { figureRows, formatFigure, formatPercent, formatValue, formatWall, nearMiss, thresholdBound } from './format.ts';
import { badge, fact, mark, table, type Row } from './html-table.ts';

/**
 * A Monte Carlo study: pass rate, per-expectation distribution (a plot per measured value, with a
 * near-miss flag when its tail runs within 5 % of the bound), seeds and replay commands.
 */
export function studySection(s: StudyResult, anchor: string): string {
  const failing = s.runs.filter((r) => !r.ok);
  const out = [`<section class="study" id="${esc(anchor)}">`];
  out.push(`<div class="run-head">${badge(s.ok)}<h2>${esc(s.scenario.name)}</h2><span class="tag">study</span></div>`);
  out.push(
    '<dl class="facts">',
    fact('seeds', esc(String(s.seeds.length))),
    fact('pass rate', esc(formatPercent(s.passRate))),
    fact('failed seeds', esc(String(failing.length))),
    fact('wall time', esc(formatWall(s.wallMs))),
    '</dl>',
  );
  const near = new Set(s.expectations.filter((e) => isNearMiss(e)).map((e) => e.name));
  const rows: Row[] = s.expectations.flatMap((e) => {
    const m = e.measured;
    const cell = (v: number | undefined) => ({ html: esc(formatValue(v ?? null)), className: 'num' });
    const flag = near.has(e.name) ? ' <span class="tag near-miss">near miss</span>' : '';
    const row: Row = {
      className: e.passRate < 1 ? 'failed' : undefined,
      cells: [
        mark(e.passRate === 1),
        { html: `${esc(e.name)}${flag}`, className: 'wrap' },
        esc(e.type),
        { html: esc(formatPercent(e.passRate)), className: 'num' },
        { html: m ? String(m.n) : '—', className: 'num' },
        cell(m?.min),
        cell(m?.p50),
        cell(m?.p95),
        cell(m?.max),
        cell(m?.mean),
      ],
    };
    const figures = figureRows(e.figures)
      .filter((f) => f.name !== 'sensitivity')
      .map((f): Row => {
        const fig = (v: number) => ({ html: esc(formatFigure(f.name, v)), className: 'num' });
        return {
          cells: [
            '',
            `↳ ${esc(f.label)}`,
            '',
            '',
            { html: String(f.d.n), className: 'num' },
            fig(f.d.min),
            fig(f.d.p50),
            fig(f.d.p95),
            fig(f.d.max),
            fig(f.d.mean),
          ],
        };
      });
    return [row, ...figures];
  });
  out.push(
    '<h3>Expectations over seeds</h3>',
    table(['', 'Expectation', 'Type', 'Pass rate', 'n', 'Min', 'p50', 'p95', 'Max', 'Mean'], rows, [3, 4, 5, 6, 7, 8, 9]),
  );
  const plots = s.expectations.flatMap((e) => {
    if (!e.values || !e.measured) return [];
    const passed = s.runs.map((r) => !r.failed.includes(e.name));
    const bound = thresholdBound(e.threshold);
    const svg = distributionPlot({
      title: `${e.name} over ${s.seeds.length} seeds`,
      values: e.values,
      passed,
      bound,
      p50: e.measured.p50,
      p95: e.measured.p95,
    });
    const flag = near.has(e.name) ? ' <span class="tag near-miss">near miss: the tail is within 5 % of the bound</span>' : '';
    return [`<figure><figcaption>${esc(e.name)} <span class="note">${esc(e.threshold ?? '')}</span>${flag}</figcaption>${svg}</figure>`];
  });
  if (plots.length > 0) out.push('<h3>Distributions</h3>', `<div class="charts">${plots.join('')}</div>`);
  if (s.replay.length > 0) out.push('<h3>Replay failing seeds</h3>', `<pre>${s.replay.map(esc).join('\n')}</pre>`);
  const seedRows: Row[] = s.runs.map((r) => ({
    className: r.ok ? undefined : 'failed',
    cells: [
      mark(r.ok),
      { html: esc(r.seed), className: 'mono' },
      { html: esc(r.digest), className: 'mono wrap' },
      esc(formatWall(r.wallMs)),
      { html: esc(r.failed.join(', ')), className: 'wrap' },
    ],
  }));
  out.push(
    `<details${failing.length > 0 ? ' open=""' : ''}><summary>Seeds (${s.runs.length})</summary>${table(['', 'Seed', 'Digest', 'Wall', 'Failed'], seedRows)}</details>`,
  );
  out.push('</section>');
  return out.join('\n');
}

/** Every seed passed, yet the tail that matters runs within 5 % of the bound. */
export function isNearMiss(e: StudyResult['expectations'][number]): boolean {
  if (e.passRate < 1 || !e.values) return false;
  return nearMiss(
    e.values.filter((v): v is number => v !== null),
    thresholdBound(e.threshold),
  );
}
