import type { IClientOptions, MqttClient } from 'mqtt';
import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';

/**
 * mqtt.js keeps an MQTT session alive on wall-clock timers: its keep-alive (KeepaliveManager, a
 * setInterval of keepalive/2 that sends PINGREQ on the second tick and gives up on the third), its
 * CONNACK timeout (setTimeout) and its reconnect (a fixed-period setInterval). In fast mode simulated
 * time races ahead of the wall clock, so a 10-minute partition passes in two wall seconds and no
 * device notices; and the fixed reconnect period brings a whole zone back in the same instant.
 *
 * The SessionDriver moves all three onto the injected clock:
 *  - keep-alive: mqtt.js 5's `timerVariant` option takes a `{ set, clear }` pair that it uses as
 *    setInterval/clearInterval; `clockTimer` builds one on the Clock (only when `simulatedKeepalive`:
 *    realtime mode keeps mqtt.js' real keep-alive, as on a real device);
 *  - CONNACK timeout and reconnect: mqtt.js' own are parked (periods of 2^31−1 ms, the longest a
 *    Node timer takes) and the driver runs them on the Clock instead, with a seeded, capped
 *    exponential back-off with jitter (AWS Architecture Blog, "Exponential Backoff and Jitter",
 *    M. Brooker, 2015: jitter is what breaks up a thundering herd).
 *
 * In fast mode the Clock is the run's SimClock, so when a device notices a dead link, and when it
 * retries, are simulated instants that depend only on the seed and the fault's window.
 */

/** Back-off between reconnect attempts: attempt n waits min(maxMs, initialMs × multiplier^n), jittered. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /**
   * `equal`: half the step fixed, half uniform (never reconnects at once, still spreads a herd);
   * `full`: uniform over the whole step; `none`: the step itself (every device in lockstep).
   */
  jitter: 'equal' | 'full' | 'none';
}

/**
 * 1 s doubling to 60 s: mqtt.js' own period is 1 s; Eclipse Paho's automatic reconnect doubles from
 * 1 s up to 2 minutes; a minute keeps a zone's devices back within a minute of its recovery.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 'equal' };

/** The longest delay a Node timer takes: mqtt.js' own timers set to this never fire within a run. */
export const PARKED_MS = 2 ** 31 - 1;

/** How long attempt `attempt` (0 = the first retry) waits. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, rng: Rng): number {
  const step = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** attempt);
  switch (policy.jitter) {
    case 'none':
      return step;
    case 'full':
      return Math.round(rng.uniform(0, step));
    case 'equal':
      return Math.round(step / 2 + rng.uniform(0, step / 2));
  }
}

/** An mqtt.js `timerVariant` on a Clock (ClockTimer). */
export interface ClockTimer {
  /** Repeats `fn` every `ms` until cleared, as setInterval does. */
  set: (fn: () => void, ms: number) => number;
  clear: (id: number) => void;
  /**
   * The next `set` counts its first period from `at`, an instant already passed, instead of from now:
   * a PINGRESP taken in later than the instant its PINGREQ went out restarts the keep-alive as if it
   * had come at once (SessionDriver.pingDue).
   */
  from: (at: number) => void;
}

/** An mqtt.js `timerVariant` on a Clock: `set` repeats every `ms` until cleared, as setInterval does. */
export function clockTimer(clock: Clock): ClockTimer {
  const live = new Map<number, number>();
  let nextId = 1;
  let anchor: number | undefined;
  return {
    set(fn, ms) {
      const id = nextId++;
      const first = anchor === undefined ? ms : Math.max(0, anchor + ms - clock.now());
      anchor = undefined;
      const arm = (delay: number) =>
        live.set(
          id,
          clock.setTimeout(() => {
            arm(ms);
            fn();
          }, delay),
        );
      arm(first);
      return id;
    },
    from(at) {
      anchor = at;
    },
    clear(id) {
      clock.clearTimeout(live.get(id));
      live.delete(id);
    },
  };
}

export interface SessionDriverOptions {
  clock: Clock;
  /** The device's own stream (`rng.fork('reconnect:<client id>')`), so its retries never shift another's. */
  rng: Rng;
  backoff?: Partial<BackoffPolicy>;
  /** A connection attempt that has no CONNACK after this long is abandoned, ms. Default 30 s (mqtt.js' default). */
  connectTimeoutMs?: number;
  /** Keep-alive on `clock` too (fast mode). Realtime mode leaves mqtt.js' real keep-alive alone. */
  simulatedKeepalive: boolean;
  /**
   * Where a reconnect attempt falls due, hands it to the owner instead of making it: the owner makes
   * it (calls `attempt`) once the transport has settled at that instant. Fast mode gives the central
   * station's session one, so what the devices sent before its attempt has reached the broker before
   * its CONNECT does — whether a message found the station's session is then a matter of simulated
   * time, not of which socket the broker read first.
   */
  gate?: (attempt: () => void) => void;
}

/** The mqtt.js options a client needs for a SessionDriver to take its timers over; pass them to `connect`. */
export function drivenClientOptions(clock: Clock, simulatedKeepalive: boolean): Partial<IClientOptions> {
  return {
    reconnectPeriod: PARKED_MS,
    connectTimeout: PARKED_MS,
    // The owner of the client buffers what it cannot send (a device's store-and-forward); mqtt.js'
    // own offline queue would send it later without saying so.
    queueQoSZero: false,
    ...(simulatedKeepalive
      ? {
          timerVariant: clockTimer(clock),
          // mqtt.js restarts the keep-alive on every PUBACK and SUBACK it reads, at whatever simulated
          // instant the socket happens to deliver it; only a PINGRESP (read while the loop holds the
          // clock, see inFlight) then restarts it, so a PINGREQ a keep-alive falls on simulated time alone.
          reschedulePings: false,
        }
      : {}),
  };
}

/** mqtt.js internals the driver calls: its reconnect step and the clearing of its own reconnect timer. */
interface MqttInternals {
  _reconnect(): void;
  _clearReconnect(): void;
  sendPing(): void;
}

export type SessionState = 'connecting' | 'connected' | 'waiting' | 'ended';

/**
 * Runs one mqtt.js client's CONNACK timeout and reconnects on a Clock (see the module comment).
 * Create it right after `mqtt.connect(url, { ...drivenClientOptions(clock, fast), ... })`.
 */
export class SessionDriver {
  readonly client: MqttClient;
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #policy: BackoffPolicy;
  readonly #connectTimeoutMs: number;
  readonly #gate: ((attempt: () => void) => void) | undefined;
  /** Exchanges the owner started on this connection and has not seen answered (`track`). */
  #owned = 0;
  /** Counts closes: an owner's exchange on an earlier connection no longer counts (track). */
  #connection = 0;
  #state: SessionState = 'connecting';
  #attempt = 0;
  #timer: number | undefined;
  #pingOutstanding = false;
  /** When the outstanding PINGREQ went out, on the clock. */
  #pingSentAt = 0;
  #subscribing = 0;
  /** The client gave up on its connection (keep-alive, CONNACK timeout) and its 'close' is still to come. */
  #closing = false;
  /** The local port of each connection the client gave up on, counted (abandoned): the network has yet to hear of that close. */
  #abandoned: { port: number; n: number } | undefined;
  #listeners = new Set<(state: SessionState) => void>();
  /** Reconnect attempts made, and the clock time each was made at (for reports and tests). */
  readonly attempts: number[] = [];
  /** When each connection (or attempt) was lost on the clock: keep-alive expiry, a reset, a refusal... */
  readonly lostAt: number[] = [];

  /** Connections (and attempts) lost. */
  get losses(): number {
    return this.lostAt.length;
  }

  constructor(client: MqttClient, options: SessionDriverOptions) {
    this.client = client;
    this.#clock = options.clock;
    this.#rng = options.rng;
    this.#policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.#gate = options.gate;
    const internals = client as unknown as MqttInternals;
    const sendPing = internals.sendPing.bind(client);
    internals.sendPing = () => {
      this.#pingOutstanding = true;
      this.#pingSentAt = this.#clock.now();
      sendPing();
      this.#notify();
    };
    // The keep-alive gives up by destroying the socket, which is corked until the next tick
    // (cork-per-tick.ts; mqtt-packet on a TLS socket): what the client wrote in this same instant would
    // vanish unsent, where a real stack had put it on the wire (and the network would swallow it, in
    // the account). Flush first.
    const onKeepaliveTimeout = client.onKeepaliveTimeout.bind(client);
    client.onKeepaliveTimeout = () => {
      const stream = client.stream as { writableCorked?: number; uncork?: () => void } | undefined;
      while ((stream?.writableCorked ?? 0) > 0) stream!.uncork!();
      this.#abandon();
      this.#closing = true;
      onKeepaliveTimeout();
      this.#notify();
    };
    client.on('packetsend', (packet) => {
      if (packet.cmd !== 'subscribe') return;
      this.#subscribing++;
      this.#notify();
    });
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'pingresp') {
        // mqtt.js restarts its keep-alive on this PINGRESP, right after this listener: from the instant
        // the PINGREQ went out, not from whichever instant of its window the barrier took the answer in.
        if (this.#pingOutstanding) this.#keepaliveTimer()?.from(this.#pingSentAt);
        this.#pingOutstanding = false;
      } else if (packet.cmd === 'suback') this.#subscribing = Math.max(0, this.#subscribing - 1);
      else return;
      this.#notify();
    });
    client.on('connect', () => {
      this.#cancel();
      this.#state = 'connected';
      this.#attempt = 0;
      this.#pingOutstanding = false;
      this.#notify();
    });
    client.on('close', () => this.#onClose());
    if (client.connected) this.#state = 'connected';
    else this.#armConnectTimeout();
  }

  /** Called on every change of state or of what is in flight (the settle barrier re-counts). Returns the unsubscribe. */
  onChange(listener: (state: SessionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener(this.#state);
  }

  get state(): SessionState {
    return this.#state;
  }

  /**
   * Exchanges with the broker whose outcome is still on the wire: a connection attempt, or a PINGREQ
   * awaiting its PINGRESP. Fast mode's settle barrier must wait for these before advancing the clock,
   * or when the answer lands (and so when the keep-alive restarts) would depend on the machine.
   */
  /** The client gave up on its connection this instant; it hears of the close shortly (the barrier waits for that). */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * The connection the client last gave up on, by its local port, and how many it has given up on
   * (so a reader can tell a new one): closed without a DISCONNECT, so when the network hears of that
   * close the broker publishes the client's will (SessionBook waits for it).
   */
  get abandoned(): { port: number; n: number } | undefined {
    return this.#abandoned;
  }

  #abandon(): void {
    const port = (this.client.stream as { localPort?: number } | undefined)?.localPort;
    if (port !== undefined) this.#abandoned = { port, n: (this.#abandoned?.n ?? 0) + 1 };
  }

  /**
   * With a PINGREQ the only exchange on the wire: the instant by which its PINGRESP must have been taken
   * in — the keep-alive's next tick, which would count it missing — so the settle barrier may wait for
   * it any time before then (SessionBook.pingDeadline) rather than at the instant it went out. Its
   * answer restarts the keep-alive from that instant either way (ClockTimer.from). Undefined when the
   * keep-alive is not on a ClockTimer (realtime), or anything else is on the wire.
   */
  get pingDue(): number | undefined {
    if (!this.#pingOutstanding || this.#state !== 'connected' || this.#subscribing > 0 || this.#owned > 0) return undefined;
    const every = (this.client as unknown as { keepaliveManager?: { intervalEvery?: number } | null }).keepaliveManager?.intervalEvery;
    if (every === undefined || this.#keepaliveTimer() === undefined) return undefined;
    return this.#pingSentAt + every;
  }

  #keepaliveTimer(): ClockTimer | undefined {
    const variant = (this.client.options as { timerVariant?: unknown }).timerVariant;
    return typeof variant === 'object' && variant !== null && 'from' in variant ? (variant as ClockTimer) : undefined;
  }

  get inFlight(): number {
    return (this.#state === 'connecting' ? 1 : 0) + (this.#pingOutstanding ? 1 : 0) + (this.#subscribing > 0 || this.#owned > 0 ? 1 : 0);
  }

  /**
   * An exchange the owner starts on this connection (its SUBSCRIBE on connect) counts in flight until
   * `done` is called: mqtt.js may hold the packet back (behind the flush of its outgoing store, or
   * not send it at all when its own resubscribe already did), so counting the written SUBSCRIBE alone
   * lets the barrier see a connected session with nothing in flight before it can receive. Call it
   * from a 'connect' listener that runs before the driver's (prependListener).
   */
  track(): () => void {
    this.#owned++;
    const connection = this.#connection;
    let done = false;
    return () => {
      if (done || connection !== this.#connection) return;
      done = true;
      this.#owned--;
      this.#notify();
    };
  }

  /** Stops driving (the client is being ended on purpose): no more retries. */
  stop(): void {
    this.#cancel();
    const changed = this.#state !== 'ended';
    this.#state = 'ended';
    if (changed) this.#notify();
  }

  #onClose(): void {
    const internals = this.client as unknown as MqttInternals;
    // mqtt.js has just parked its own reconnect interval; the driver decides when to retry.
    internals._clearReconnect();
    this.#pingOutstanding = false;
    this.#subscribing = 0;
    this.#owned = 0;
    this.#connection++;
    this.#closing = false;
    if (this.#state === 'ended' || this.client.disconnecting || this.client.disconnected) {
      this.stop();
      return;
    }
    this.lostAt.push(this.#clock.now());
    this.#cancel();
    this.#state = 'waiting';
    const delay = backoffDelay(this.#policy, this.#attempt++, this.#rng);
    this.#timer = this.#clock.setTimeout(() => this.#retry(), delay);
    this.#notify();
  }

  #retry(): void {
    this.#timer = undefined;
    if (this.#state !== 'waiting') return;
    if (this.#gate !== undefined) this.#gate(() => this.#attemptNow());
    else this.#attemptNow();
  }

  #attemptNow(): void {
    if (this.#state !== 'waiting') return;
    this.#state = 'connecting';
    this.attempts.push(this.#clock.now());
    this.#armConnectTimeout();
    this.#notify();
    (this.client as unknown as MqttInternals)._reconnect();
  }

  #armConnectTimeout(): void {
    this.#cancel();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      // No CONNACK in time ([MQTT-3.1.4]: the client closes the connection): drop the socket; the
      // close brings the next attempt.
      if (this.#state === 'connecting' && this.client.stream) {
        this.#abandon();
        this.#closing = true;
        this.client.stream.destroy();
        this.#notify();
      }
    }, this.#connectTimeoutMs);
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
