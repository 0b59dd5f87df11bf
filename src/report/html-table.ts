import { escapeHtml as esc } from './escape.ts';

/** One cell: its HTML and an optional class (`num`, `mono`, `wrap`, `msg`). */
export type Cell = string | { html: string; className?: string };

export interface Row {
  cells: readonly Cell[];
  className?: string;
  id?: string;
}

/**
 * A table in a horizontally scrolling box. Every cell is labelled with its column (`data-label`), so on
 * a narrow page the stylesheet can lay each row out as a card of label: value lines instead of
 * clipping the table (html-style.ts).
 */
export function table(head: readonly string[], rows: readonly Row[], numeric: readonly number[] = [], className = ''): string {
  const ths = head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((row) => {
    const tds = row.cells.map((cell, i) => {
      const { html, className: cls } = typeof cell === 'string' ? { html: cell, className: undefined } : cell;
      const classes = [cls, numeric.includes(i) && cls === undefined ? 'num' : undefined].filter(Boolean).join(' ');
      return `<td${classes ? ` class="${classes}"` : ''} data-label="${esc(head[i] ?? '')}">${html}</td>`;
    });
    return `<tr${row.id ? ` id="${esc(row.id)}"` : ''}${row.className ? ` class="${row.className}"` : ''}>${tds.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="cards-narrow${className ? ` ${className}` : ''}"><thead><tr>${ths}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

/** A DOM id part from any text: what is not a letter, digit, `-` or `_` becomes `-`. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

export const mark = (passed: boolean) => (passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');

export const badge = (passed: boolean, pass = 'PASSED', fail = 'FAILED') =>
  `<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? pass : fail}</span>`;

export const fact = (label: string, value: string, wide = false) =>
  `<div${wide ? ' class="wide"' : ''}><dt>${esc(label)}</dt><dd>${value}</dd></div>`;
