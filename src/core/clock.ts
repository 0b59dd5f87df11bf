/**
 * The one time source of a simulation. It has the shape of xstate's `Clock` (setTimeout/clearTimeout)
 * plus `now()`, so the same object drives state-machine delays (`createActor(m, { clock })`), device
 * sampling and MQTT.js timers.
 */
export interface Clock {
  /** Current simulation time in milliseconds since the start of the run. */
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
}

export type TimerId = number;

interface Timer {
  id: TimerId;
  due: number;
  fn: (...args: unknown[]) => void;
}

/**
 * Virtual time. Nothing happens until `advance`/`advanceTo` is called; then due timers fire in order of
 * due time and, for equal times, in the order they were set — so a run is a pure function of its inputs.
 */
export class SimClock implements Clock {
  #now: number;
  #nextId = 1;
  // Binary min-heap on (due, id): thousands of device timers stay O(log n) per operation.
  #heap: Timer[] = [];
  #live = new Map<TimerId, Timer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: Timer = { id, due: this.#now + delay, fn };
    this.#live.set(id, timer);
    this.#push(timer);
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id !== undefined) this.#live.delete(id);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.#live.size;
  }

  /** Due time of the earliest pending timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.due;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#now + Math.max(0, ms));
  }

  /**
   * Moves time to `t`, firing due timers in order. A timer set by a firing timer fires too if it is due
   * by `t`. Time never goes backwards: a `t` in the past is a programming error.
   */
  advanceTo(t: number): void {
    if (t < this.#now) {
      throw new RangeError(`SimClock cannot go back in time: now is ${this.#now} ms, asked for ${t} ms`);
    }
    for (;;) {
      this.#dropCancelled();
      const top = this.#heap[0];
      if (top === undefined || top.due > t) break;
      this.#pop();
      this.#live.delete(top.id);
      this.#now = top.due;
      top.fn();
    }
    this.#now = t;
  }

  /** Fires every timer due at or before the next pending due time; returns false when none is pending. */
  step(): boolean {
    const due = this.nextDue();
    if (due === undefined) return false;
    this.advanceTo(due);
    return true;
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && !this.#live.has(this.#heap[0]!.id)) this.#pop();
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      // Swapped through a local: a destructuring swap built an array per step, several per timer.
      const moved = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = moved;
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
      if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
      if (smallest === i) break;
      const moved = heap[i]!;
      heap[i] = heap[smallest]!;
      heap[smallest] = moved;
      i = smallest;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}
