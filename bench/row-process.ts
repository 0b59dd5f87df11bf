/**
 * Runs one benchmark row (bench/fleet-row.ts) in a process of its own and reads back its result: the
 * one way `npm run bench` and `npm run bench:compare` start rows, so both measure alike.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RowResult, RowSpec } from './fleet-row.ts';

export interface RowProcessOptions {
  /** The source tree whose bench/fleet-row.ts runs (default: this one); its node_modules resolve tsx. */
  tree?: string;
  /** Node flags before the script (profiling, say). */
  nodeArgs?: string[];
  /** Copy the row's stderr to ours as it comes (the full benchmark shows a row's warnings live). */
  echoStderr?: boolean;
}

export interface RowProcessOutcome {
  result?: RowResult;
  code: number | null;
  stderr: string;
}

const THIS_TREE = fileURLToPath(new URL('..', import.meta.url));

export async function runRowProcess(spec: RowSpec, options: RowProcessOptions = {}): Promise<RowProcessOutcome> {
  const tree = options.tree ?? THIS_TREE;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--expose-gc', '--import', 'tsx', join(tree, 'bench/fleet-row.ts'), JSON.stringify(spec)],
    {
      cwd: tree,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let result: RowResult | undefined;
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('BENCH-ROW ')) result = JSON.parse(line.slice('BENCH-ROW '.length)) as RowResult;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.echoStderr) process.stderr.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { ...(result ? { result } : {}), code, stderr };
}

/** The line of a row's stderr that says what went wrong (not the stack below it). */
export function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.find((l) => /\b\w*Error\b|failed/.test(l))?.trim() ?? lines.at(-1)!.trim();
}
