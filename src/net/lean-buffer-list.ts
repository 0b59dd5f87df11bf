import { createRequire } from 'node:module';

/**
 * mqtt-packet's parser reads every packet through a `bl` BufferList, whose readers allocate for each
 * field: `readUInt8(i)` is `slice(i, i + 1).readUInt8(0)` — a Buffer view and an `[index, offset]`
 * array to read one byte — and `toString(enc, start, end)` makes a view to decode it. A publish's
 * header, length, topic and payload cost about ten such objects; reading in place took 8 % off all
 * the ward row's simulation process allocated (docs/benchmarks.md#what-limits-it, point 16).
 *
 * This replaces those readers, on bl's own prototypes, with ones that read in place when the bytes lie
 * in one of the list's buffers — the same value, the same string, the same view — and hand everything
 * else (a field split across two socket reads, an offset out of range, arguments bl normalizes) to
 * bl's own method, so each keeps bl's results and errors exactly (lean-buffer-list.test.ts compares
 * them). Imported by broker.ts and client.ts: the patch is on the prototypes, so once either has loaded
 * it reaches every parser in the process, the fault proxy's and the adversaries' included.
 */

interface BufferListLike {
  _bufs: Buffer[];
  length: number;
}

type Prototype = Record<string | symbol, unknown>;
type ByteReader = (this: BufferListLike, offset?: number) => number;
type Slice = (this: BufferListLike, start?: number, end?: number) => Buffer;
type ToString = (this: BufferListLike, encoding?: BufferEncoding, start?: number, end?: number) => string;

const LEAN = Symbol.for('medtwin.lean-buffer-list');

/** Whether `start..end` (integers) is a non-empty part of the list that bl would cut itself. */
function plainRange(list: BufferListLike, start: unknown, end: unknown): boolean {
  return (
    typeof start === 'number' &&
    typeof end === 'number' &&
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    start >= 0 &&
    start < end &&
    end <= list.length &&
    // The whole list is bl's special case (it returns its only buffer itself, or a concatenation).
    !(start === 0 && end === list.length)
  );
}

/**
 * The buffer holding bytes `start` to `start + width` whole, or undefined when they straddle two
 * buffers; `at` is then the offset of `start` in it. Module state rather than a returned pair: the
 * pair is the garbage this file exists to avoid, and nothing here re-enters.
 */
let at = 0;
function holder(list: BufferListLike, start: number, width: number): Buffer | undefined {
  const bufs = list._bufs;
  let offset = start;
  for (let i = 0; i < bufs.length; i++) {
    const buf = bufs[i]!;
    if (offset < buf.length) {
      if (offset + width > buf.length) return undefined;
      at = offset;
      return buf;
    }
    offset -= buf.length;
  }
  return undefined;
}

function leanByteReader(original: ByteReader, width: 1 | 2 | 4): ByteReader {
  return function read(this: BufferListLike, offset = 0): number {
    if (Number.isInteger(offset) && offset >= 0 && offset + width <= this.length) {
      const buf = holder(this, offset, width);
      if (buf !== undefined) return width === 1 ? buf[at]! : width === 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
    }
    return original.call(this, offset);
  };
}

function install(proto: Prototype): void {
  if (proto[LEAN] === true) return;
  const readUInt8 = proto.readUInt8 as ByteReader;
  const readUInt16BE = proto.readUInt16BE as ByteReader;
  const readUInt32BE = proto.readUInt32BE as ByteReader;
  const shippedSlice = proto.slice as Slice;
  const shippedToString = proto.toString as ToString;
  proto.readUInt8 = leanByteReader(readUInt8, 1);
  proto.readUInt16BE = leanByteReader(readUInt16BE, 2);
  proto.readUInt32BE = leanByteReader(readUInt32BE, 4);
  proto.slice = function leanSlice(this: BufferListLike, start?: number, end?: number): Buffer {
    if (plainRange(this, start, end)) {
      const buf = holder(this, start!, end! - start!);
      if (buf !== undefined) return buf.subarray(at, at + end! - start!);
    }
    return shippedSlice.call(this, start, end);
  };
  proto.toString = function leanToString(this: BufferListLike, encoding?: BufferEncoding, start?: number, end?: number): string {
    if (plainRange(this, start, end)) {
      const buf = holder(this, start!, end! - start!);
      if (buf !== undefined) return buf.toString(encoding, at, at + end! - start!);
    }
    return shippedToString.call(this, encoding, start, end);
  };
  proto[LEAN] = true;
}

// bl's BufferList and its stream (which copied BufferList's methods when it loaded: mqtt-packet's
// parser uses the stream), as mqtt-packet resolves them.
const fromPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
const bl = fromPacket('bl') as { prototype: Prototype; BufferList: { prototype: Prototype } };
install(bl.BufferList.prototype);
install(bl.prototype);

/** Whether bl's readers are the lean ones (for tests). */
export function leanBufferListInstalled(): boolean {
  return bl.prototype[LEAN] === true && bl.BufferList.prototype[LEAN] === true;
}
