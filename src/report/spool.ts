import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Text a reporter gathers over a long invocation (a JUnit suite per seed of a 100,000-seed study) and
 * writes at the end. It stays in memory up to `memoryLimit` bytes, then goes to a temporary file, so a
 * reporter's memory stays bounded whatever the number of seeds.
 */
export class Spool {
  #chunks: string[] = [];
  #bytes = 0;
  #file: { dir: string; path: string; fd: number } | undefined;

  constructor(private readonly memoryLimit = 1024 * 1024) {}

  /** The temporary file, once the text went to one. */
  get file(): string | undefined {
    return this.#file?.path;
  }

  append(text: string): void {
    this.#chunks.push(text);
    this.#bytes += Buffer.byteLength(text);
    if (this.#bytes > this.memoryLimit) this.#spill();
  }

  /** Everything appended, in order: the file's contents, then what is still in memory. */
  async *read(): AsyncGenerator<string | Buffer> {
    if (this.#file) {
      for await (const chunk of createReadStream(this.#file.path)) yield chunk as Buffer;
    }
    yield* this.#chunks;
  }

  /** Removes the temporary file, if there is one. */
  dispose(): void {
    if (this.#file === undefined) return;
    closeSync(this.#file.fd);
    rmSync(this.#file.dir, { recursive: true, force: true });
    this.#file = undefined;
  }

  #spill(): void {
    if (this.#file === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'medtwin-spool-'));
      const path = join(dir, 'spool');
      this.#file = { dir, path, fd: openSync(path, 'a') };
    }
    writeSync(this.#file.fd, this.#chunks.join(''));
    this.#chunks = [];
    this.#bytes = 0;
  }
}
