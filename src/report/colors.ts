import { isTTY } from './output.ts';

/** ANSI styling that collapses to identity functions when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const style = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
  return { bold: style(1, 22), dim: style(2, 22), green: style(32, 39), red: style(31, 39), yellow: style(33, 39), cyan: style(36, 39) };
}

/**
 * Colour is on for a terminal unless NO_COLOR is set to a non-empty value (no-color.org); an explicit
 * `color` option (the CLI's --color / --no-color) wins over both.
 */
export function resolveColor(
  stream: NodeJS.WritableStream | undefined,
  explicit: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (explicit !== undefined) return explicit;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY(stream);
}
