import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { autoCork } from './auto-cork.ts';

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((close) => close()));

/** A real loopback connection: the writer (wrapped) and what its peer receives, chunk by chunk. */
async function socketPair(): Promise<{ writer: Socket; chunks: string[] }> {
  const chunks: string[] = [];
  const server: Server = createServer((peer) => peer.on('data', (chunk) => chunks.push(chunk.toString())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const writer = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => writer.once('connect', resolve));
  writer.setNoDelay(true);
  cleanup.push(() => {
    writer.destroy();
    server.close();
  });
  autoCork(writer);
  return { writer, chunks };
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('autoCork', () => {
  it('holds writes made in later ticks of the same turn and sends them together after the I/O phase', async () => {
    const { writer, chunks } = await socketPair();
    writer.write('a');
    await nextTick();
    // mqtt-packet's own uncork runs on the next tick: the socket must still be corked after it.
    writer.write('b');
    await nextTick();
    await nextTick();
    expect(writer.writableCorked).toBe(1);
    expect(writer.writableLength).toBe(2);
    await immediate();
    expect(writer.writableCorked).toBe(0);
    await expect.poll(() => chunks.join('')).toBe('ab');
    expect(chunks).toEqual(['ab']);
  });

  it('corks once per turn and leaves the socket uncorked when the turn is over', async () => {
    const { writer, chunks } = await socketPair();
    for (const text of ['1', '2', '3']) writer.write(text);
    expect(writer.writableCorked).toBe(1);
    await immediate();
    expect(writer.writableCorked).toBe(0);
    writer.write('4');
    await immediate();
    expect(writer.writableCorked).toBe(0);
    await expect.poll(() => chunks.join('')).toBe('1234');
  });

  it('flushes early rather than let a burst fill the buffer: a write never reports back-pressure the socket does not have', async () => {
    const { writer, chunks } = await socketPair();
    // 40 KiB in one turn, past the 16 KiB high-water mark. Held to the end of the turn, writes past the
    // mark return false, and aedes would hold those deliveries until the socket drains.
    const chunk = 'x'.repeat(1024);
    const accepted = Array.from({ length: 40 }, () => writer.write(chunk));
    expect(accepted.every(Boolean)).toBe(true);
    expect(writer.writableLength).toBeLessThan(writer.writableHighWaterMark);
    await expect.poll(() => chunks.join('').length).toBe(40 * 1024);
    // Still batched: far fewer reads than writes.
    expect(chunks.length).toBeLessThan(20);
  });

  it('delivers what was written before end()', async () => {
    const { writer, chunks } = await socketPair();
    writer.write('bye');
    writer.end();
    await expect.poll(() => chunks.join('')).toBe('bye');
  });
});
