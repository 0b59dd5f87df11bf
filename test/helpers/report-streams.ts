import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/** A stream that records what reporters write, posing as a terminal or not. Test support only. */
export class FakeStream extends Writable {
  readonly chunks: string[] = [];
  readonly isTTY: boolean;

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    callback();
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** A fresh temporary directory for a test's output files. */
export function tempDir(prefix = 'medtwin-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
