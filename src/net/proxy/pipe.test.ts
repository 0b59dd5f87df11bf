import type { Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../core/clock.ts';
import { Rng } from '../../core/rng.ts';
import type { Segment } from './framer.ts';
import { Pipe } from './pipe.ts';
import type { ToxicLink } from './toxic.ts';
import { TOXICS } from './toxics/index.ts';

/** The receiving end of a pipe: records when (on the clock) each write arrived. */
function sink(clock: SimClock) {
  const writes: { at: number; bytes: Buffer }[] = [];
  const socket = { destroyed: false, writableEnded: false, write: (bytes: Buffer) => writes.push({ at: clock.now(), bytes }) > 0 };
  return { socket: socket as unknown as Socket, writes };
}
const source = { isPaused: () => false, pause() {}, resume() {} } as unknown as Socket;

function link(clock: SimClock, pipe: Pipe, rng: Rng): ToxicLink {
  return {
    clock,
    timing: 'hold',
    rng,
    direction: 'upstream',
    toxic: 'latency',
    dropped: (s: Segment) => pipe.dropped(s),
    duplicated: () => {},
    delayed: (s: Segment) => pipe.delayed(s),
    rewrote: () => {},
    reply: () => {},
    reset: () => {},
    close: () => {},
    protocolVersion: () => 4,
    rngFor: () => rng,
  };
}

const packets = Array.from({ length: 40 }, (_, i) =>
  mqttPacket.generate({
    cmd: 'publish',
    topic: `ward/dev-${i % 4}/telemetry`,
    payload: Buffer.alloc(20 + i, i),
    qos: 0,
    retain: false,
    dup: false,
  }),
);
const stream = Buffer.concat(packets);

/** Runs the stream through a latency toxic with jitter, read in chunks cut by `cuts`; returns each packet's delivery time. */
function deliver(cuts: (i: number) => number): number[] {
  const clock = new SimClock();
  const out = sink(clock);
  const pipe = new Pipe('upstream', source, out.socket, { onWritten: () => {}, onEnd: () => {} });
  const params = TOXICS.latency.params.parse({ latency: '200ms', jitter: '150ms' });
  pipe.add({
    id: 'latency',
    swallows: false,
    instance: TOXICS.latency.create(params, link(clock, pipe, new Rng(3, 'latency/upstream/dev#1'))),
  });
  for (let at = 0, n = 0; at < stream.length; n++) {
    const next = Math.min(stream.length, at + cuts(n));
    pipe.read(stream.subarray(at, next));
    at = next;
  }
  clock.advance(10_000);
  expect(Buffer.concat(out.writes.map((w) => w.bytes))).toEqual(stream);
  return out.writes.map((w) => w.at);
}

describe('Pipe', () => {
  it('gives each packet the same fault whatever chunks the kernel delivered it in (fast mode determinism)', () => {
    const whole = deliver(() => stream.length);
    const rng = new Rng('cuts');
    expect(deliver(() => rng.int(1, 90))).toEqual(whole);
    expect(deliver(() => 1)).toEqual(whole);
    expect(whole).toHaveLength(packets.length);
    // Jittered within latency ± jitter, and in order (a burst's packets never overtake each other, so
    // their release times are the running maximum of their draws).
    expect(new Set(whole).size).toBeGreaterThan(1);
    expect(whole[0]).toBeGreaterThanOrEqual(50);
    expect(whole.at(-1)).toBeLessThanOrEqual(350);
    expect([...whole].sort((a, b) => a - b)).toEqual(whole);
  });

  it('forwards chunks untouched with no toxic, and counts every byte', () => {
    const clock = new SimClock();
    const out = sink(clock);
    const pipe = new Pipe('upstream', source, out.socket, { onWritten: () => {}, onEnd: () => {} });
    pipe.read(stream.subarray(0, 100));
    pipe.read(stream.subarray(100));
    expect(out.writes.map((w) => w.bytes.length)).toEqual([100, stream.length - 100]);
    expect(pipe.account.bytes).toMatchObject({ in: stream.length, out: stream.length, dropped: 0 });
    expect(pipe.held).toBe(0);
  });
});
