import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { LoggedEvent } from '../../core/event-log.ts';

/**
 * The session's event log so far, streamed to a temporary file as the run seals it (a long session
 * need not hold its log in memory): the canonical JSON Lines a run's digest hashes, line N = event #N.
 * `saveTo` copies what has been written to a file of the user's choosing.
 */
export class EventFile {
  #dir: string | undefined;
  #out: WriteStream | undefined;
  #path: string | undefined;
  #error: Error | undefined;
  #count = 0;
  /** What came before the file was open. */
  #early: string[] = [];
  #opening: Promise<void> | undefined;

  /** Events written so far. */
  get count(): number {
    return this.#count;
  }

  open(): Promise<void> {
    this.#opening ??= (async () => {
      this.#dir = await mkdtemp(join(tmpdir(), 'medtwin-tui-'));
      this.#path = join(this.#dir, 'events.jsonl');
      const out = createWriteStream(this.#path, { encoding: 'utf8' });
      out.on('error', (error) => (this.#error = error));
      for (const text of this.#early) out.write(text);
      this.#early = [];
      this.#out = out;
    })();
    return this.#opening;
  }

  write(batch: readonly LoggedEvent[]): void {
    let text = '';
    for (const e of batch) text += `${canonicalJson({ data: e.data, source: e.source, t: e.t, type: e.type })}\n`;
    this.#count += batch.length;
    if (this.#out) this.#out.write(text);
    else this.#early.push(text);
  }

  /** Copies every event written so far to `path`. */
  async saveTo(path: string): Promise<void> {
    await this.#opening;
    if (!this.#out || !this.#path) throw new Error('the event log was never opened');
    if (this.#error) throw this.#error;
    // Wait until what was written has left the stream's buffer.
    await new Promise<void>((resolve) => this.#out!.write('', () => resolve()));
    await copyFile(this.#path, path);
  }

  async close(): Promise<void> {
    const out = this.#out;
    this.#out = undefined;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}
