import { appendFile, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let writes = 0;

/** Where a report goes: a file (parent directories created) or a stream. */
export interface OutputTarget {
  path?: string;
  stream?: NodeJS.WritableStream;
  /** Append rather than overwrite (GitHub's job summary file is shared by the steps of a job). */
  append?: boolean;
}

/**
 * Writes a finished report to its file, or to the stream (stdout by default) when there is no path.
 * A file is written whole or not at all: to a temporary file beside it, then renamed over it (rename
 * is atomic within a directory on POSIX). A run killed mid-write (kill -9, a full disk) leaves the
 * previous report as it was, never half a new one that CI would parse as the result; the leftover
 * temporary file is named after the report and the process.
 */
export async function writeOutput(text: string, target: OutputTarget): Promise<void> {
  if (target.path !== undefined) {
    await mkdir(dirname(target.path), { recursive: true });
    if (target.append) {
      await appendFile(target.path, text, 'utf8');
      return;
    }
    const temporary = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${++writes}.tmp`);
    try {
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, target.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return;
  }
  const stream = target.stream ?? process.stdout;
  await new Promise<void>((resolve, reject) => {
    stream.write(text, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

/**
 * Writes a report given in parts (a long study's report need never be one string), the same way as
 * `writeOutput`: a file whole or not at all, or to the stream.
 */
export async function writeOutputParts(parts: AsyncIterable<string | Uint8Array>, target: OutputTarget): Promise<void> {
  if (target.path === undefined) {
    const stream = target.stream ?? process.stdout;
    for await (const part of parts) {
      await new Promise<void>((resolve, reject) => {
        stream.write(part, (error?: Error | null) => (error ? reject(error) : resolve()));
      });
    }
    return;
  }
  await mkdir(dirname(target.path), { recursive: true });
  const temporary = target.append ? target.path : join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${++writes}.tmp`);
  const file = await open(temporary, target.append ? 'a' : 'w');
  try {
    for await (const part of parts) await (typeof part === 'string' ? file.write(part) : file.write(part));
    await file.close();
    if (!target.append) await rename(temporary, target.path);
  } catch (error) {
    await file.close().catch(() => {});
    if (!target.append) await rm(temporary, { force: true });
    throw error;
  }
}

/** Whether a stream is an interactive terminal (fake streams in tests set `isTTY` themselves). */
export function isTTY(stream: NodeJS.WritableStream | undefined): boolean {
  return (stream as { isTTY?: boolean } | undefined)?.isTTY === true;
}
