import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';

/**
 * A connected pair of byte streams inside one process, each end shaped like the TCP socket it stands
 * in for (remote and local address and port, `connect`, half-close, `resetAndDestroy`, `bytesRead`):
 * what the fault proxy uses for its last leg to an embedded broker in the same process, instead of a
 * loopback TCP connection (docs/network.md#the-proxys-leg-to-the-broker). Envoy's internal listeners
 * are the same idea. The bytes are the same bytes — aedes parses them as it parses a socket's — but
 * each chunk costs a queue entry rather than a send and a receive in the kernel, which on the
 * simulation's one thread was most of what a proxy in the path cost (docs/benchmarks.md).
 *
 * Like a socket, and unlike a bare stream pair:
 * - a write reaches the other end on a later turn of the event loop (one `setImmediate` for all
 *   pairs), never inside the writer's call, as a loopback socket's bytes do;
 * - each end holds at most `RECEIVE_WINDOW` bytes its reader has not taken; past it the writer's
 *   writes wait (its `write()` returns false, then 'drain'), as a full receive window makes them;
 * - `end()` is a FIN (the other end reads 'end'; with `allowHalfOpen` it may still write back),
 *   `destroy()` a close (a FIN to the other end, whose writes then fail with EPIPE),
 *   `resetAndDestroy()` a reset (the other end fails with ECONNRESET).
 */

/** Bytes an end holds for its reader before the writer's writes wait (a receive window). */
export const RECEIVE_WINDOW = 256 * 1024;

export interface InProcessEndOptions {
  /** As `net.Socket`: false ends this end's writing side when the other end's FIN arrives (the broker's sockets). */
  allowHalfOpen: boolean;
}

const END = Symbol('end');
const RESET = Symbol('reset');
type Item = Buffer | typeof END | typeof RESET;

/** Ends with work for the next flush, and whether one is scheduled. */
const due = new Set<InProcessSocket>();
let scheduled = false;

function schedule(end: InProcessSocket): void {
  due.add(end);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushAll);
}

function flushAll(): void {
  scheduled = false;
  // Ends that get work during the flush (a reader that writes back at once) wait for the next one.
  const ends = [...due];
  due.clear();
  for (const end of ends) end.deliver();
}

function socketError(code: 'EPIPE' | 'ECONNRESET' | 'ECONNREFUSED', syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code}`), {
    code,
    errno: code === 'EPIPE' ? -32 : code === 'ECONNRESET' ? -104 : -111,
    syscall,
  });
}

export class InProcessSocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly localAddress = '127.0.0.1';
  readonly localPort: number;
  readonly remotePort: number;
  /** True until the dialling end's 'connect' (as net.Socket; the accepting end is connected at once). */
  connecting: boolean;
  bytesRead = 0;
  bytesWritten = 0;
  #peer: InProcessSocket | undefined;
  #inbox: Item[] = [];
  /** Bytes delivered to this end (inbox and readable buffer) its reader has not taken. */
  #unread = 0;
  /** The other end's write callback, waiting for room in this end's window. */
  #waiting: ((error?: Error | null) => void) | undefined;
  #reset = false;
  /** This end sent its FIN (end() or a close): nothing more goes to the other end but a reset. */
  #finSent = false;
  /** The other end's FIN was read here. */
  #finRead = false;

  constructor(localPort: number, remotePort: number, connecting: boolean, options: InProcessEndOptions) {
    super({ allowHalfOpen: options.allowHalfOpen, emitClose: true, autoDestroy: true });
    this.localPort = localPort;
    this.remotePort = remotePort;
    this.connecting = connecting;
  }

  /** @internal Pairs two ends. */
  static link(a: InProcessSocket, b: InProcessSocket): void {
    a.#peer = b;
    b.#peer = a;
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  /** Closes this end and resets the other (ECONNRESET there), as a TCP RST. */
  resetAndDestroy(): this {
    this.#reset = true;
    return this.destroy();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    // A corked socket's writes (mqtt-packet writes a packet's fields one by one) arrive as one chunk,
    // as the one send of a TCP socket's writev would.
    this.#send([Buffer.concat(chunks.map((c) => c.chunk))], callback);
  }

  #send(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    if (peer === undefined || peer.destroyed) {
      // Its reader closed: a write to a socket whose peer has gone fails (the first with EPIPE).
      process.nextTick(callback, socketError('EPIPE', 'write'));
      return;
    }
    let bytes = 0;
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      peer.#inbox.push(chunk);
      bytes += chunk.length;
    }
    this.bytesWritten += bytes;
    peer.#unread += bytes;
    schedule(peer);
    if (peer.#unread < RECEIVE_WINDOW) callback();
    else peer.#waiting = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#sendFin();
    callback();
  }

  #sendFin(): void {
    const peer = this.#peer;
    if (this.#finSent || peer === undefined || peer.destroyed) return;
    this.#finSent = true;
    peer.#inbox.push(END);
    schedule(peer);
  }

  override _read(): void {
    this.#release();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#inbox = [];
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(socketError('EPIPE', 'write'));
    const peer = this.#peer;
    // A close: the other end reads the FIN (if this end had not sent it yet) and its writes then fail
    // (EPIPE). A reset: it fails at once, after the bytes already on their way.
    if (this.#reset && peer !== undefined && !peer.destroyed) {
      peer.#inbox.push(RESET);
      schedule(peer);
    } else this.#sendFin();
    callback(error);
  }

  /** @internal Hands what the other end wrote to this end's reader (the shared flush). */
  deliver(): void {
    if (this.destroyed) return;
    const items = this.#inbox;
    this.#inbox = [];
    for (const item of items) {
      if (item === RESET) {
        this.destroy(socketError('ECONNRESET', 'read'));
        return;
      }
      if (item === END) {
        if (!this.#finRead) this.push(null);
        this.#finRead = true;
        continue;
      }
      this.bytesRead += item.length;
      this.push(item);
    }
    this.#release();
  }

  /** The reader took bytes: the other end's waiting write goes through once the window has room. */
  #release(): void {
    this.#unread = this.#inbox.reduce((sum, item) => sum + (Buffer.isBuffer(item) ? item.length : 0), 0) + this.readableLength;
    if (this.#waiting === undefined || this.#unread >= RECEIVE_WINDOW) return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting();
  }
}

/**
 * Port numbers for in-process connections: the broker and the proxies key connections by their
 * client's port, so these must not be a real client's. They come from below the kernel's ephemeral
 * range (where no client that connects without binding a port gets one), and each is free again once
 * its connection has closed.
 */
class PortPool {
  readonly #low = 1024;
  readonly #high: number;
  #next: number;
  readonly #used = new Set<number>();

  constructor() {
    this.#high = ephemeralRangeStart() - 1;
    this.#next = this.#low;
  }

  take(): number {
    const span = this.#high - this.#low + 1;
    for (let tried = 0; tried < span; tried++) {
      const port = this.#next;
      this.#next = port >= this.#high ? this.#low : port + 1;
      if (this.#used.has(port)) continue;
      this.#used.add(port);
      return port;
    }
    throw new Error(`no free in-process port: ${span} in-process connections are open`);
  }

  release(port: number): void {
    this.#used.delete(port);
  }
}

/** The first port of the kernel's ephemeral range (Linux's setting; IANA's 49152 elsewhere). */
function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 2048 && low <= 65535) return low;
  } catch {
    // Not Linux.
  }
  return 49152;
}

const ports = new PortPool();

/**
 * Opens an in-process connection: `dialler` is the connecting end (it emits 'connect' on a later turn,
 * as a TCP connect completes), `acceptor` the accepted one. The dialler's local port is the
 * acceptor's remote port, from the in-process range (PortPool).
 */
export function socketPair(options: { dialler: InProcessEndOptions; acceptor: InProcessEndOptions; listenerPort: number }): {
  dialler: InProcessSocket;
  acceptor: InProcessSocket;
} {
  const port = ports.take();
  const dialler = new InProcessSocket(port, options.listenerPort, true, options.dialler);
  const acceptor = new InProcessSocket(options.listenerPort, port, false, options.acceptor);
  InProcessSocket.link(dialler, acceptor);
  let open = 2;
  const closed = () => {
    if (--open === 0) ports.release(port);
  };
  dialler.once('close', closed);
  acceptor.once('close', closed);
  setImmediate(() => {
    if (dialler.destroyed) return;
    dialler.connecting = false;
    dialler.emit('connect');
  });
  return { dialler, acceptor };
}

/** A dialler whose connection is refused (nothing listens): 'error' ECONNREFUSED, then 'close', on a later turn. */
export function refusedSocket(options: InProcessEndOptions & { listenerPort: number }): InProcessSocket {
  const socket = new InProcessSocket(0, options.listenerPort, true, options);
  setImmediate(() => socket.destroy(socketError('ECONNREFUSED', 'connect')));
  return socket;
}
