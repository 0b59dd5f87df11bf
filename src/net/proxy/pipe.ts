import type { Socket } from 'node:net';
import { emptyDirection, type DirectionAccount } from './accounting.ts';
import { MqttFramer, type Segment } from './framer.ts';
import { socketGone } from './tls-termination.ts';
import { isEnd, type Direction, type Next, type Piece, type ToxicInstance } from './toxic.ts';

/** A toxic in a pipe: its id (as added to the proxy), whether it swallows bytes, and its state here. */
export interface Stage {
  id: string;
  swallows: boolean;
  /** It acts on when bytes pass (ToxicKind.paced). */
  paced?: boolean;
  /** It reads whole packets, or cuts them into pieces (ToxicKind.reads). */
  reads?: 'packets' | 'cuts';
  instance: ToxicInstance;
}

/** What a pipe tells its connection. */
export interface PipeHooks {
  /** The first piece to enter the toxics, before it does (the connection reads the CONNECT here). */
  onFirst?(segment: Segment): void;
  /** Each whole PUBLISH (or other packet) header seen, by type: cheap, no decoding. */
  onPacket?(type: number): void;
  /**
   * A piece went out to the receiver (given as the packet it completes, when a toxic cut one up):
   * `held` when a toxic had held that packet (the account's `released`).
   */
  onWritten(segment: Segment, held: boolean): void;
  /** The sender's FIN (or reset) reached the end of the toxics. */
  onEnd(reset: boolean): void;
  /** A piece came out of the toxics after the receiver's socket had gone (a held packet released into a dead connection): lost. */
  onUndeliverable?(segment: Segment): void;
}

/**
 * One direction of a proxied connection: reads the sender, runs what it read through the toxics in
 * the order they were added, and writes what comes out to the receiver. With no toxic it forwards
 * chunks as they came (the framer only watches packet boundaries go by); with toxics it cuts the
 * stream into whole packets first (framer.ts says why).
 */
export class Pipe {
  readonly direction: Direction;
  readonly account: DirectionAccount = emptyDirection();
  readonly framer = new MqttFramer();
  #stages: Stage[] = [];
  #dest: Socket;
  #source: Socket;
  #hooks: PipeHooks;
  // Pieces a toxic delayed or held, so their release can be reported.
  #held = new WeakSet<Segment>();
  #entered = 0;
  #ended = false;

  constructor(direction: Direction, source: Socket, dest: Socket, hooks: PipeHooks) {
    this.direction = direction;
    this.#source = source;
    this.#dest = dest;
    this.#hooks = hooks;
  }

  get stages(): readonly Stage[] {
    return this.#stages;
  }

  /** Bytes inside the toxics right now. */
  get held(): number {
    const b = this.account.bytes;
    return Math.max(0, this.#entered + b.added - b.out + this.#passedRaw - b.dropped);
  }
  // Bytes written without entering the toxics (the fast path), so `held` can be derived.
  #passedRaw = 0;

  /** True when a toxic that acts on when bytes pass (a byte quota) is active. */
  get paced(): boolean {
    return this.#stages.some((s) => s.paced === true);
  }

  /** True when a toxic that swallows upstream bytes (a blackhole) is active. */
  get swallowing(): boolean {
    return this.#stages.some((s) => s.swallows);
  }

  /** A chunk read from the sender. `split`: cut into packets even with no toxic (the CONNECT, before identity is known). */
  read(chunk: Buffer, split = false): void {
    this.account.bytes.in += chunk.length;
    if (this.#stages.length === 0 && !split) {
      const partial = this.framer.release();
      if (partial) this.#write({ bytes: partial, whole: false, type: 0 }, true);
      this.framer.skip(chunk, this.#hooks.onPacket);
      this.#write({ bytes: chunk, whole: false, type: 0 }, true);
      return;
    }
    this.framer.split(chunk, (segment) => this.enter(segment), this.#hooks.onPacket);
  }

  /** Runs one piece through the toxics from the first. */
  enter(piece: Piece): void {
    if (!isEnd(piece)) {
      if (this.#entered === 0 && this.#hooks.onFirst) this.#hooks.onFirst(piece);
      this.#entered += piece.bytes.length;
    }
    this.#pushFrom(0, piece);
  }

  /** The sender finished (FIN) or failed (reset): that news goes through the toxics like data. */
  end(reset: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    const partial = this.framer.release();
    if (partial) this.enter({ bytes: partial, whole: false, type: 0 });
    this.enter(reset ? { end: true, reset: true } : { end: true });
  }

  /**
   * Adds a toxic after the others, but one that reads whole packets before the first that cuts them
   * up: an MQTT-aware fault acts on packets at the proxy, whatever a radio then does to the bytes.
   */
  add(stage: Stage): void {
    const cutter = stage.reads === 'packets' ? this.#stages.findIndex((s) => s.reads === 'cuts') : -1;
    if (cutter === -1) this.#stages.push(stage);
    else this.#stages.splice(cutter, 0, stage);
  }

  /** Removes a toxic: what it holds goes on, in order, to the toxics after it. */
  remove(id: string): void {
    const index = this.#stages.findIndex((s) => s.id === id);
    if (index === -1) return;
    const stage = this.#stages[index]!;
    stage.instance.flush(this.#nextOf(stage));
    this.#stages.splice(index, 1);
  }

  /** The connection is gone: every toxic lets go, and what they held is counted as dropped (returned, for the account). */
  dispose(): { stage: string; segment: Segment }[] {
    const lost: { stage: string; segment: Segment }[] = [];
    for (const stage of this.#stages) {
      for (const piece of stage.instance.dispose()) {
        if (isEnd(piece)) continue;
        this.account.bytes.dropped += piece.bytes.length;
        // A slice is lost as the packet it ends (its earlier slices are held with it, ahead of it).
        lost.push({ stage: stage.id, segment: piece.origin ?? piece });
      }
    }
    this.#stages = [];
    return lost;
  }

  /** A toxic swallowed bytes. */
  dropped(segment: Segment, bytes = segment.bytes.length): void {
    this.account.bytes.dropped += bytes;
  }

  /** A toxic holds `segment` (it will be reported as released when written). */
  delayed(segment: Segment): void {
    this.#held.add(segment);
  }

  /** A toxic added bytes (a duplicate) or changed a packet's size (a rewrite). */
  added(bytes: number): void {
    this.account.bytes.added += bytes;
  }

  #nextOf(stage: Stage): Next {
    return (piece) => {
      const index = this.#stages.indexOf(stage);
      this.#pushFrom(index === -1 ? this.#stages.length : index + 1, piece);
    };
  }

  #pushFrom(index: number, piece: Piece): void {
    const stage = this.#stages[index];
    if (stage !== undefined) return stage.instance.push(piece, this.#nextOf(stage));
    if (isEnd(piece)) return this.#hooks.onEnd(piece.reset === true);
    this.#write(piece, false);
  }

  #write(segment: Segment, raw: boolean): void {
    if (raw) this.#passedRaw += segment.bytes.length;
    // The packet this piece completes: itself, or the whole one a toxic cut up (Segment.origin).
    const packet = segment.origin ?? segment;
    if (!raw && (socketGone(this.#dest) || this.#dest.writableEnded)) {
      this.account.bytes.dropped += segment.bytes.length;
      this.#hooks.onUndeliverable?.(packet);
      return;
    }
    this.account.bytes.out += segment.bytes.length;
    const held = this.#held.has(packet);
    this.#hooks.onWritten(packet, held);
    if (socketGone(this.#dest) || this.#dest.writableEnded) return;
    // Back-pressure as TCP applies it: a receiver that stops reading stops the sender.
    if (!this.#dest.write(segment.bytes) && !this.#source.isPaused()) {
      this.#source.pause();
      this.#dest.once('drain', () => this.#source.resume());
    }
  }
}
