import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type InProcessSocket, RECEIVE_WINDOW, refusedSocket, socketPair } from './in-process-socket.ts';

const halfOpen = { dialler: { allowHalfOpen: true }, acceptor: { allowHalfOpen: true }, listenerPort: 1883 };
const brokerLike = { dialler: { allowHalfOpen: true }, acceptor: { allowHalfOpen: false }, listenerPort: 1883 };

function collect(socket: InProcessSocket): { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { bytes: () => Buffer.concat(chunks) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('socketPair', () => {
  it('connects like a TCP dial: the dialler connects on a later turn, ports mirror each other from below the ephemeral range', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    expect(dialler.connecting).toBe(true);
    expect(acceptor.connecting).toBe(false);
    await once(dialler, 'connect');
    expect(dialler.connecting).toBe(false);
    expect(dialler.localPort).toBe(acceptor.remotePort);
    expect(dialler.remotePort).toBe(1883);
    expect(acceptor.localPort).toBe(1883);
    expect(acceptor.remoteAddress).toBe('127.0.0.1');
    const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    expect(dialler.localPort).toBeGreaterThanOrEqual(1024);
    expect(dialler.localPort).toBeLessThan(ephemeralLow);
    const other = socketPair(halfOpen);
    expect(other.dialler.localPort).not.toBe(dialler.localPort);
    dialler.destroy();
    other.dialler.destroy();
  });

  it('carries bytes both ways in order, never within the writer’s own call', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    const atAcceptor = collect(acceptor);
    const atDialler = collect(dialler);
    for (let i = 0; i < 100; i++) dialler.write(Buffer.from(`m${i};`));
    expect(atAcceptor.bytes().length).toBe(0);
    acceptor.write('pong');
    await turn();
    await turn();
    expect(atAcceptor.bytes().toString()).toBe(Array.from({ length: 100 }, (_, i) => `m${i};`).join(''));
    expect(atDialler.bytes().toString()).toBe('pong');
    expect(acceptor.bytesRead).toBe(dialler.bytesWritten);
    expect(dialler.bytesRead).toBe(4);
    dialler.destroy();
  });

  it('holds a writer back once the reader is a receive window behind, and lets it go as the reader catches up', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    acceptor.pause();
    const chunk = Buffer.alloc(16 * 1024, 7);
    let written = 0;
    let full = false;
    // Up to twice the window: the writer must be held back before then.
    while (written < 2 * RECEIVE_WINDOW) {
      written += chunk.length;
      if (!dialler.write(chunk)) {
        full = true;
        break;
      }
      await turn();
    }
    expect(full).toBe(true);
    expect(written).toBeGreaterThan(RECEIVE_WINDOW / 2);
    await turn();
    // Still held: the reader has not read.
    expect(dialler.writableLength).toBeGreaterThan(0);
    const drained = once(dialler, 'drain');
    let read = 0;
    acceptor.on('data', (c: Buffer) => {
      read += c.length;
    });
    acceptor.resume();
    await drained;
    await turn();
    await turn();
    expect(read).toBe(written);
    dialler.destroy();
  });

  it('half-closes: the other end reads the FIN and, half-open, can still answer', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    const atDialler = collect(dialler);
    acceptor.resume();
    dialler.end('last words');
    await once(acceptor, 'end');
    acceptor.end('reply after your FIN');
    await once(dialler, 'close');
    expect(atDialler.bytes().toString()).toBe('reply after your FIN');
    expect(acceptor.destroyed).toBe(true);
  });

  it('ends the writing side too when the reader does not allow half-open connections (a broker socket)', async () => {
    const { dialler, acceptor } = socketPair(brokerLike);
    acceptor.resume();
    dialler.resume();
    dialler.end();
    await Promise.all([once(acceptor, 'close'), once(dialler, 'close')]);
    expect(acceptor.writableEnded).toBe(true);
  });

  it('a close reaches the other end as a FIN, whose writes then fail with EPIPE', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    dialler.resume();
    acceptor.destroy();
    await once(dialler, 'end');
    dialler.write('anyone there?');
    const [error] = (await once(dialler, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('EPIPE');
  });

  it('a reset fails the other end with ECONNRESET, after the bytes already on their way', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    const atDialler = collect(dialler);
    acceptor.write('before the reset');
    acceptor.resetAndDestroy();
    const [error] = (await once(dialler, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
    expect(atDialler.bytes().toString()).toBe('before the reset');
    expect(dialler.destroyed).toBe(true);
  });

  it('a write held back by a full window fails when the reader goes away', async () => {
    const { dialler, acceptor } = socketPair(halfOpen);
    acceptor.pause();
    const errors: NodeJS.ErrnoException[] = [];
    dialler.on('error', (e: NodeJS.ErrnoException) => errors.push(e));
    const closed = new Promise((resolve) => dialler.once('close', resolve));
    dialler.write(Buffer.alloc(RECEIVE_WINDOW + 1));
    await turn();
    acceptor.destroy();
    await closed;
    expect(errors.map((e) => e.code)).toEqual(['EPIPE']);
  });
});

describe('refusedSocket', () => {
  it('fails its connect with ECONNREFUSED on a later turn, then closes', async () => {
    const socket = refusedSocket({ allowHalfOpen: true, listenerPort: 1883 });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await closed;
  });
});
