import { isTTY } from '../report/output.ts';

/** Fleets at least this large print their connecting progress; smaller ones connect in a second or two. */
export const CONNECT_PROGRESS_FROM = 1000;

/**
 * Prints how far a large fleet has connected, on stderr (stdout carries reports): rewritten in place
 * on a terminal, at each quarter otherwise (CI logs). 10,000 devices take 8–16 s to connect; without
 * it a run looked hung, and 20,000 devices used to run silently for minutes before failing.
 */
export function connectProgress(stream: NodeJS.WritableStream = process.stderr): (connected: number, total: number) => void {
  let lastQuarter = 0;
  const tty = isTTY(stream);
  return (connected, total) => {
    if (total < CONNECT_PROGRESS_FROM) return;
    const line = `connecting devices: ${connected.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    if (tty) {
      stream.write(`\r${line}${connected === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor((connected / total) * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      stream.write(`${line}\n`);
    }
  };
}
