import { createServer, connect, type Server, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { corkPerTick } from './cork-per-tick.ts';

let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

/** A connected client socket and what its peer received, as a promise of all bytes once it ends. */
async function socketPair(): Promise<{ client: Socket; received: Promise<Buffer> }> {
  let resolveReceived!: (bytes: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (resolveReceived = resolve));
  server = createServer((peer) => {
    const chunks: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
    peer.on('end', () => resolveReceived(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, received };
}

function publishes(n: number): mqttPacket.IPublishPacket[] {
  return Array.from({ length: n }, (_, i) => ({
    cmd: 'publish',
    topic: `medtwin/ward/icu/patient-monitor/patient-monitor-${String(i % 7).padStart(3, '0')}/telemetry`,
    payload: `{"v":1,"seq":${i + 1},"body":{"hr":${60 + (i % 40)}}}`,
    qos: (i % 3 === 0 ? 1 : 0) as 0 | 1,
    messageId: i % 3 === 0 ? i + 1 : undefined,
    retain: false,
    dup: false,
  }));
}

describe('corkPerTick', () => {
  it("sends a turn's packets in one writev, byte for byte what mqtt-packet writes, flushed in that turn's ticks", async () => {
    const { client, received } = await socketPair();
    corkPerTick(client);
    const writevs: number[] = [];
    const writev = client._writev!.bind(client);
    client._writev = (chunks, callback) => {
      writevs.push(chunks.length);
      writev(chunks, callback);
    };
    const packets = publishes(24);
    for (const packet of packets) mqttPacket.writeToStream(packet, client);
    // Still corked in this turn: nothing went out yet.
    expect(writevs).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    // mqtt-packet writes a publish as 4 or 5 chunks (header, length, topic, message id, payload).
    expect(writevs).toHaveLength(1);
    expect(writevs[0]).toBeGreaterThanOrEqual(4 * packets.length);
    // The next turn corks again.
    mqttPacket.writeToStream(packets[0]!, client);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(writevs).toHaveLength(2);
    client.end();
    const expected = Buffer.concat([...packets, packets[0]!].map((p) => mqttPacket.generate(p)));
    expect((await received).equals(expected)).toBe(true);
  });

  it('leaves mqtt-packet nothing to cork, so it queues no tick per packet; a second call changes nothing', async () => {
    const { client, received } = await socketPair();
    corkPerTick(client);
    expect(client.cork).toBeUndefined();
    corkPerTick(client);
    mqttPacket.writeToStream(publishes(1)[0]!, client);
    client.end();
    expect((await received).equals(mqttPacket.generate(publishes(1)[0]!))).toBe(true);
  });
  it('fails, ends and pushes back as before: a write after destroy or end, a burst past the high-water mark', async () => {
    /** What a socket answers to a write after `stop`, and to a burst past its mark: with corkPerTick, or corked per write as mqtt-packet does without it. */
    async function answers(wrap: boolean) {
      const outcome: Record<string, unknown> = {};
      for (const stop of ['destroy', 'end'] as const) {
        const { client } = await socketPair();
        if (wrap) corkPerTick(client);
        const errors: unknown[] = [];
        client.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code));
        client[stop]();
        const written = await new Promise((resolve) => {
          const returned = client.write('x', (error) => resolve({ returned, error: (error as NodeJS.ErrnoException | null)?.code }));
        });
        await new Promise((resolve) => setImmediate(resolve));
        outcome[stop] = { written, errors, corked: client.writableCorked };
        server?.close();
      }
      const { client, received } = await socketPair();
      if (wrap) corkPerTick(client);
      const write = (bytes: Buffer) => {
        if (!wrap) {
          client.cork();
          process.nextTick(() => client.uncork());
        }
        return client.write(bytes);
      };
      const burst = Buffer.alloc(client.writableHighWaterMark, 1);
      const returned = [write(burst.subarray(0, 10)), write(burst)];
      await new Promise((resolve) => client.once('drain', resolve));
      client.end();
      outcome.burst = { returned, bytes: (await received).length, corked: client.writableCorked };
      return outcome;
    }
    const before = await answers(false);
    expect(await answers(true)).toEqual(before);
    expect(before).toMatchObject({
      destroy: { written: { returned: false, error: 'ERR_STREAM_DESTROYED' } },
      end: { written: { error: 'ERR_STREAM_WRITE_AFTER_END' } },
      burst: { returned: [true, false] },
    });
  });
});
