import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where a report goes: a file (parent directories created) or a stream. */
export interface OutputTarget {
  path?: string;
  stream?: NodeJS.WritableStream;
  /** Append rather than overwrite (GitHub's job summary file is shared by the steps of a job). */
  append?: boolean;
}

/** Writes a finished report to its file, or to the stream (stdout by default) when there is no path. */
export async function writeOutput(text: string, target: OutputTarget): Promise<void> {
  if (target.path !== undefined) {
    await mkdir(dirname(target.path), { recursive: true });
    await (target.append ? appendFile(target.path, text, 'utf8') : writeFile(target.path, text, 'utf8'));
    return;
  }
  const stream = target.stream ?? process.stdout;
  await new Promise<void>((resolve, reject) => {
    stream.write(text, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

/** Whether a stream is an interactive terminal (fake streams in tests set `isTTY` themselves). */
export function isTTY(stream: NodeJS.WritableStream | undefined): boolean {
  return (stream as { isTTY?: boolean } | undefined)?.isTTY === true;
}
