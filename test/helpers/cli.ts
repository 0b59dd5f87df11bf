import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'medtwin.js');

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the real CLI as a user would, with no TTY; `done` resolves when it exits. */
export function startMedtwin(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Outcome> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = new Promise<Outcome>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        get stdout() {
          return stdout;
        },
        get stderr() {
          return stderr;
        },
      }),
    ),
  );
  return { child, done };
}

/** Runs the real CLI to the end, with no TTY. */
export function medtwin(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return startMedtwin(args, env).done;
}
