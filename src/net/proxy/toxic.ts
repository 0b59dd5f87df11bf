import type { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { Rng } from '../../core/rng.ts';
import type { Segment } from './framer.ts';

/** Which way a fault acts: client → broker (`upstream`), broker → client (`downstream`), or both. */
export type Direction = 'upstream' | 'downstream';
export type DirectionChoice = Direction | 'both';

export type Timing = 'hold' | 'tag';

/** A piece of the stream moving through a connection's toxics; `end` marks the sender's FIN (or, with `reset`, its RST). */
export type Piece = Segment | EndPiece;
export interface EndPiece {
  end: true;
  reset?: boolean;
}

export type Next = (piece: Piece) => void;

/** What a toxic may do to the connection it sits in, and how it reports what it did to bytes. */
export interface ToxicLink {
  readonly clock: Clock;
  /**
   * `hold`: a delay holds the packet on the clock (realtime; or fast mode where held bytes are
   * accounted). `tag`: a delay is only reported (`delayed`, with its length) and the packet goes on at
   * once; the ledger stamps its simulated delivery time (docs/network.md#fast-mode).
   */
  readonly timing: Timing;
  /** This toxic's own stream for this connection: depends on the seed, the toxic and the client id only. */
  readonly rng: Rng;
  readonly direction: Direction;
  /** The toxic's name, for the account. */
  readonly toxic: string;
  /** Bytes (a packet, or raw bytes) the toxic swallowed; `bytes`: how many of them (default all: a quota passes a packet's head). */
  dropped(segment: Segment, bytes?: number): void;
  /** A copy the toxic added (counted as extra bytes in the pipe). */
  duplicated(segment: Segment): void;
  /** The toxic holds `segment` for `delayMs` on the clock (the account says so, for the ledger). */
  delayed(segment: Segment, delayMs: number): void;
  /** A PUBLISH the toxic rewrote (QoS downgraded). */
  rewrote(before: Segment, after: Segment): void;
  /** Bytes to send back the way they came (an acknowledgement the proxy gives on the peer's behalf). */
  reply(bytes: Buffer): void;
  /** Closes both sides with a TCP RST (ECONNRESET at each end). */
  reset(): void;
  /** Closes both sides with a FIN once what was already passed on is written. */
  close(): void;
  /** The protocol version the client announced in CONNECT (4 = 3.1.1, 5), for decoding packets. */
  protocolVersion(): number;
  /**
   * The stream to draw a per-packet decision from: `rng` itself, or with `tag` timing, for a whole
   * PUBLISH, a stream keyed by its topic and payload (the same draw whatever order packets come in).
   */
  rngFor(piece: Piece): Rng;
}

/** One toxic's state in one direction of one connection. */
export interface ToxicInstance {
  /** Takes one piece; passes it (or pieces of it, or nothing) to `next`, now or later on the clock. */
  push(piece: Piece, next: Next): void;
  /** The toxic is being removed: hand on whatever it holds, in order, now. */
  flush(next: Next): void;
  /** The connection is gone: cancel timers; returns what it still held, which is dropped. */
  dispose(): Piece[];
}

/**
 * One kind of toxic, as Toxiproxy names it: a zod schema for its params (checked before a proxy ever
 * sees them, so a scenario file's bad value gets a clear error) and a factory for one connection's
 * direction.
 */
export interface ToxicKind<TParams extends z.ZodType = z.ZodType> {
  type: string;
  summary: string;
  /** It swallows bytes: while it is active, the broker would hear nothing from the client (FaultProxy's keep-alive watchdog). */
  swallows?: boolean;
  /**
   * What it does depends on when each byte passes (a byte quota): in fast mode the proxy must read a
   * client's bytes at the simulated instant they were sent (RunNetwork.paced, SessionBook).
   */
  paced?: boolean | ((params: z.output<TParams>) => boolean);
  /**
   * Where it sits among a connection's toxics: `packets` reads whole MQTT packets (the MQTT-aware
   * faults); `cuts` passes packets on in pieces (the slicer). A `packets` toxic goes before the first
   * `cuts` one whatever the order they were added in: after it, it would see only fragments and never
   * act (Pipe.add).
   */
  reads?: 'packets' | 'cuts';
  params: TParams;
  create(params: z.output<TParams>, link: ToxicLink): ToxicInstance;
}

/**
 * A small helper for toxics that hold pieces until a time on the clock, keeping their order. With
 * `tag` timing it holds nothing: each piece goes on at once, and the queue only keeps the time the
 * last one would have left, so the next one's delay (queueing included) is computed as if it had.
 */
export class ReleaseQueue {
  #queue: { piece: Piece; at: number }[] = [];
  #timer: number | undefined;
  readonly #clock: Clock;
  readonly #tag: boolean;
  #virtualTail = Number.NEGATIVE_INFINITY;
  #next: Next | undefined;

  constructor(clock: Clock, timing: Timing = 'hold') {
    this.#clock = clock;
    this.#tag = timing === 'tag';
  }

  get size(): number {
    return this.#queue.length;
  }

  /** The release time of the last piece queued, or now when empty. */
  get tail(): number {
    const now = this.#clock.now();
    if (this.#tag) return Math.max(now, this.#virtualTail);
    return this.#queue.at(-1)?.at ?? now;
  }

  /** Queues `piece` for `at` (never before the piece queued ahead of it). */
  add(piece: Piece, at: number, next: Next): void {
    if (this.#tag) {
      this.#virtualTail = Math.max(at, this.#virtualTail);
      return next(piece);
    }
    this.#next = next;
    // Due now with nothing ahead of it: goes on at once (a SimClock fires a 0 ms timer only when it next advances).
    if (this.#queue.length === 0 && at <= this.#clock.now()) return next(piece);
    this.#queue.push({ piece, at: Math.max(at, this.tail) });
    if (this.#queue.length === 1) this.#arm();
  }

  flush(next: Next): void {
    this.#cancel();
    const queue = this.#queue;
    this.#queue = [];
    for (const { piece } of queue) next(piece);
  }

  /** Drops everything held; returns it for the account. */
  dispose(): Piece[] {
    this.#cancel();
    const held = this.#queue.map((q) => q.piece);
    this.#queue = [];
    return held;
  }

  #arm(): void {
    const head = this.#queue[0];
    if (head === undefined) return;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, head.at - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    while (this.#queue.length > 0 && this.#queue[0]!.at <= now) this.#next!(this.#queue.shift()!.piece);
    this.#arm();
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Whether a toxic with these (checked) params acts on when bytes pass (ToxicKind.paced). */
export function isPaced(kind: Pick<ToxicKind, 'paced'>, params: unknown): boolean {
  return typeof kind.paced === 'function' ? kind.paced(params as never) : kind.paced === true;
}

export function isEnd(piece: Piece): piece is EndPiece {
  return 'end' in piece;
}
