/**
 * The delivery ledger: the one account of every message a run's parties hand to the network, per
 * device and channel — published (and when, in simulated time), delivered (and when), in flight,
 * lost (and why), late (delivered after it was written off) and duplicated (delivered again).
 *
 * It is plain data and bookkeeping, no I/O: the settle barrier waits on `inFlight`, the twin takes a
 * report's arrival time from `delivered`, the reports print `summary()`; a fault that swallows a
 * message on purpose says so with `lost`, so nothing waits for what will never come.
 *
 * A device that is offline keeps what it generates in its store-and-forward buffer: `held` moves such a
 * message out of flight (nothing waits for it), `released` puts it back in flight when the device sends
 * it, and its delivery counts as `backfilled`; one the buffer drops (overflow) is `lost` with a reason.
 *
 * Invariant, per channel and overall: published = delivered + lost + inFlight + buffered (late messages
 * count as delivered, duplicates are counted apart).
 */
export class DeliveryLedger {
  #devices = new Map<string, DeviceAccount>();
  #totals: DeliveryCounts = emptyCounts();
  #byChannel = new Map<string, DeliveryCounts>();
  #listeners = new Set<() => void>();
  /** While set, what devices publish (but on the channels excepted) is lost at once: its receiver is not reading. */
  #refusal: Refusal | undefined;

  /** The account of one device (created on first use); keep it to skip the lookup on every message. */
  device(deviceId: string): DeviceAccount {
    let account = this.#devices.get(deviceId);
    if (account === undefined) {
      account = new DeviceAccount(
        deviceId,
        this.#totals,
        (name) => this.channelTotals(name),
        () => this.#changed(),
        () => this.#refusal,
      );
      this.#devices.set(deviceId, account);
    }
    return account;
  }

  /** The account of one device, if it has one (never creates it). */
  account(deviceId: string): DeviceAccount | undefined {
    return this.#devices.get(deviceId);
  }

  /** A message handed to the network at simulated time `at`. */
  published(deviceId: string, channel: string, seq: number, at: number): void {
    this.device(deviceId).published(channel, seq, at);
  }

  /** A message taken in at simulated time `at`; returns when it was published (undefined if unknown). See ChannelAccount.delivered. */
  delivered(deviceId: string, channel: string, seq: number, at: number): number | undefined {
    return this.device(deviceId).delivered(channel, seq, at);
  }

  /** A published message the device keeps in its offline buffer instead of sending it (see ChannelAccount.held). */
  held(deviceId: string, channel: string, seq: number): void {
    this.device(deviceId).channel(channel).held(seq);
  }

  /** A held message the device sends now, at simulated time `at` (see ChannelAccount.released). */
  released(deviceId: string, channel: string, seq: number, at: number): void {
    this.device(deviceId).channel(channel).released(seq, at);
  }

  /**
   * A network fault delays a message on its way by `ms` of simulated time (fast mode's tag timing:
   * the fault proxy reports the delay instead of sleeping it); its receiver takes it to arrive at its
   * send time plus the delays (`delayOf`). `stage` names where on the path it was delayed (a
   * listener, a direction, a toxic): the delays of different stages add up, but a stage counts once
   * per message — a copy of it (a duplicating fault, a QoS 1 resend) passes the same stage again, and
   * whether that copy got there before the receiver took the first in would depend on socket timing.
   */
  delayed(deviceId: string, channel: string, seq: number, ms: number, stage: string): void {
    this.device(deviceId).channel(channel).delayed(seq, ms, stage);
  }

  /**
   * A network fault holds a message in flight until an instant it decides (a holding blackhole until
   * it ends, a reorder until others overtake it): it stays in flight, but cannot arrive before then,
   * so it no longer keeps its device fresh at the twin (`oldestInFlight` skips it).
   */
  parked(deviceId: string, channel: string, seq: number): void {
    this.device(deviceId).channel(channel).park(seq);
  }

  /**
   * A parked message goes on at simulated time `at`: for its receiver it is sent then (as a device's
   * buffered message is when released), so the twin judges freshness by when it could arrive.
   */
  unparked(deviceId: string, channel: string, seq: number, at: number): void {
    this.device(deviceId).channel(channel).unpark(seq, at);
  }

  /** The delay faults reported for a message, once (0 if none). */
  delayOf(deviceId: string, channel: string, seq: number): number {
    return this.#devices.get(deviceId)?.channels.get(channel)?.takeDelay(seq) ?? 0;
  }

  /**
   * The oldest message of a channel still in flight, delivered now: for messages that carry no
   * sequence number (a last will, which the broker publishes on its client's behalf). Returns its seq
   * and send time, or undefined when none is in flight.
   */
  deliveredOldest(deviceId: string, channel: string, at: number): { seq: number; sentAt: number } | undefined {
    const account = this.#devices.get(deviceId)?.channels.get(channel);
    const seq = account?.oldestSeq;
    if (account === undefined || seq === undefined) return undefined;
    const sentAt = account.delivered(seq, at);
    return sentAt === undefined ? undefined : { seq, sentAt };
  }

  /** A message that will not arrive, and why (a fault swallowed it, the link was down...). */
  lost(deviceId: string, channel: string, seq: number, reason: string): void {
    this.device(deviceId).lost(channel, seq, reason);
  }

  /**
   * Everything in flight given up as lost (a wait for the transport timed out), but on the channels
   * in `except`; returns how many.
   */
  writeOffInFlight(reason: string, except: readonly string[] = []): number {
    let count = 0;
    for (const account of this.#devices.values()) count += account.writeOffInFlight(reason, except);
    return count;
  }

  /**
   * The receiver stops reading (a frozen central station): until the returned function is called,
   * every message published on a channel not in `except` is lost at once with `reason` — nothing
   * waits for what nobody will read. Messages already in flight are the caller's to write off.
   */
  refuse(reason: string, except: readonly string[] = []): () => void {
    const refusal: Refusal = { reason, except: new Set(except) };
    this.#refusal = refusal;
    return () => {
      if (this.#refusal === refusal) this.#refusal = undefined;
    };
  }

  /** Counts over every device and channel. */
  get totals(): Readonly<DeliveryCounts> {
    return this.#totals;
  }

  /** Counts over every device, for one channel (`cmd`: the commands sent to devices). */
  channelTotals(channel: string): DeliveryCounts {
    let counts = this.#byChannel.get(channel);
    if (counts === undefined) this.#byChannel.set(channel, (counts = emptyCounts()));
    return counts;
  }

  /** Messages published and neither delivered nor accounted lost. */
  get inFlight(): number {
    return this.#totals.inFlight;
  }

  /** Called whenever a message is delivered or accounted lost (the settle barrier listens). */
  onSettle(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The account per device and channel, devices and channels in sorted order (a report's table). */
  summary(): LedgerSummary {
    const devices: LedgerSummary['devices'] = {};
    for (const id of [...this.#devices.keys()].sort()) {
      const channels: Record<string, ChannelSummary> = {};
      const account = this.#devices.get(id)!;
      for (const name of [...account.channels.keys()].sort()) channels[name] = account.channels.get(name)!.summary();
      devices[id] = channels;
    }
    return { totals: { ...this.#totals }, devices };
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

export interface DeliveryCounts {
  published: number;
  delivered: number;
  inFlight: number;
  lost: number;
  /** Delivered after being accounted lost (also counted in `delivered`, no longer in `lost`). */
  late: number;
  /** Deliveries of a message already delivered (not counted in `delivered`). */
  duplicated: number;
  /** Held in the device's offline buffer now (published, not sent yet: not in flight). */
  buffered: number;
  /** Messages the device ever held in its offline buffer (generated while it could not send). */
  held: number;
  /** Held messages that were delivered in the end (also counted in `delivered`). */
  backfilled: number;
}

/** Where one message stands (ChannelAccount.fate). */
export type MessageFate = Readonly<{ state: 'delivered' | 'in-flight' | 'buffered' } | { state: 'lost'; reason: string }>;

// The fates without a reason are shared: the twin asks for the fate of every message it takes in.
const IN_FLIGHT: MessageFate = Object.freeze({ state: 'in-flight' });
const BUFFERED: MessageFate = Object.freeze({ state: 'buffered' });
const DELIVERED: MessageFate = Object.freeze({ state: 'delivered' });

export interface ChannelSummary extends DeliveryCounts {
  /** Lost messages by reason. */
  lostBy: Record<string, number>;
}

export interface LedgerSummary {
  totals: DeliveryCounts;
  devices: Record<string, Record<string, ChannelSummary>>;
}

const COUNT_KEYS = Object.keys(emptyCounts()) as (keyof DeliveryCounts)[];

function emptyCounts(): DeliveryCounts {
  return { published: 0, delivered: 0, inFlight: 0, lost: 0, late: 0, duplicated: 0, buffered: 0, held: 0, backfilled: 0 };
}

interface Refusal {
  reason: string;
  except: ReadonlySet<string>;
}

/** One device's account: a ChannelAccount per channel it used. */
export class DeviceAccount {
  readonly deviceId: string;
  readonly channels = new Map<string, ChannelAccount>();
  #totals: DeliveryCounts;
  #channelTotals: (name: string) => DeliveryCounts;
  #changed: () => void;
  #refusal: () => Refusal | undefined;

  constructor(
    deviceId: string,
    totals: DeliveryCounts,
    channelTotals: (name: string) => DeliveryCounts,
    changed: () => void,
    refusal: () => Refusal | undefined = () => undefined,
  ) {
    this.deviceId = deviceId;
    this.#refusal = refusal;
    this.#totals = totals;
    this.#channelTotals = channelTotals;
    this.#changed = changed;
  }

  channel(name: string): ChannelAccount {
    let account = this.channels.get(name);
    if (account === undefined) {
      account = new ChannelAccount([this.#totals, this.#channelTotals(name)], this.#changed);
      this.channels.set(name, account);
    }
    return account;
  }

  published(channel: string, seq: number, at: number): void {
    const account = this.channel(channel);
    account.published(seq, at);
    const refusal = this.#refusal();
    if (refusal !== undefined && !refusal.except.has(channel)) account.lost(seq, refusal.reason);
  }

  delivered(channel: string, seq: number, at: number): number | undefined {
    return this.channel(channel).delivered(seq, at);
  }

  lost(channel: string, seq: number, reason: string): void {
    this.channel(channel).lost(seq, reason);
  }

  writeOffInFlight(reason: string, except: readonly string[] = []): number {
    let count = 0;
    for (const [name, account] of this.channels) if (!except.includes(name)) count += account.writeOffInFlight(reason);
    return count;
  }

  /** Counts over this device's channels, leaving out those named (`['cmd']`: what the device sent). */
  sum(except: readonly string[] = []): DeliveryCounts {
    const total = emptyCounts();
    for (const [name, account] of this.channels) {
      if (except.includes(name)) continue;
      for (const key of COUNT_KEYS) total[key] += account.counts[key];
    }
    return total;
  }

  /** Messages of this device in flight, over all channels. */
  get inFlight(): number {
    let count = 0;
    for (const account of this.channels.values()) count += account.counts.inFlight;
    return count;
  }
}

/** One channel of one device: its messages by sequence number. */
export class ChannelAccount {
  readonly counts: DeliveryCounts = emptyCounts();
  readonly lostBy: Record<string, number> = {};
  /** Publication time (simulated) of each message in flight, by seq, in the order published. */
  #inFlight = new Map<number, number>();
  /** Seqs accounted lost (a late arrival moves one back to delivered). */
  #lost = new Map<number, string>();
  /** Seqs in the device's offline buffer now. */
  #buffered = new Set<number>();
  /** Seqs that were held and are not delivered yet: their delivery is a backfill. */
  #backfill = new Set<number>();
  /** Highest seq published: a delivery of a seq at or under it, neither in flight nor lost, is a duplicate. */
  #highest = Number.NEGATIVE_INFINITY;
  /** Delays network faults reported for messages (fast mode's tag timing), by seq, until taken: their sum, and the stages counted. */
  #delays: Map<number, { ms: number; stages: string[] }> | undefined;
  /** Seqs in flight that a network fault holds (DeliveryLedger.parked). */
  #parked: Set<number> | undefined;
  /** The aggregates this channel adds to: the ledger's totals and its channel's totals. */
  #totals: DeliveryCounts;
  #channelTotals: DeliveryCounts;
  #changed: () => void;

  constructor([totals, channelTotals]: [DeliveryCounts, DeliveryCounts], changed: () => void) {
    this.#totals = totals;
    this.#channelTotals = channelTotals;
    this.#changed = changed;
  }

  /** Moves `n` between counts here and in both aggregates. */
  #add(field: keyof DeliveryCounts, n: number): void {
    this.counts[field] += n;
    this.#totals[field] += n;
    this.#channelTotals[field] += n;
  }

  published(seq: number, at: number): void {
    this.#inFlight.set(seq, at);
    if (seq > this.#highest) this.#highest = seq;
    // Every message passes here and through delivered(): plain field updates, not #add's keyed ones.
    const counts = this.counts;
    const totals = this.#totals;
    const channel = this.#channelTotals;
    counts.published++;
    counts.inFlight++;
    totals.published++;
    totals.inFlight++;
    channel.published++;
    channel.inFlight++;
  }

  /**
   * A message taken in at simulated time `at`. Returns the simulated time it was published, or
   * undefined for a message this ledger never saw published (a duplicate, or someone else's).
   */
  delivered(seq: number, _at: number): number | undefined {
    const sentAt = this.#inFlight.get(seq);
    if (sentAt !== undefined) {
      this.#inFlight.delete(seq);
      this.#parked?.delete(seq);
      if (this.#backfill.size > 0 && this.#backfill.delete(seq)) this.#add('backfilled', 1);
      const counts = this.counts;
      const totals = this.#totals;
      const channel = this.#channelTotals;
      counts.inFlight--;
      counts.delivered++;
      totals.inFlight--;
      totals.delivered++;
      channel.inFlight--;
      channel.delivered++;
      this.#changed();
      return sentAt;
    }
    const reason = this.#lost.get(seq);
    if (reason !== undefined) {
      this.#lost.delete(seq);
      if (--this.lostBy[reason]! === 0) delete this.lostBy[reason];
      this.#add('lost', -1);
      this.#add('delivered', 1);
      this.#add('late', 1);
      if (this.#backfill.delete(seq)) this.#add('backfilled', 1);
      return undefined;
    }
    if (this.#buffered.delete(seq)) {
      // Sent without being released first: taken as released at once.
      this.#backfill.delete(seq);
      this.#add('buffered', -1);
      this.#add('delivered', 1);
      this.#add('backfilled', 1);
      this.#changed();
      return undefined;
    }
    if (seq <= this.#highest) {
      this.#add('duplicated', 1);
    }
    return undefined;
  }

  /**
   * A published message the device keeps in its store-and-forward buffer instead of sending it (it
   * is offline): no longer in flight, so nothing waits for it; `held` counts it. A seq not in flight
   * is ignored.
   */
  held(seq: number): void {
    if (!this.#inFlight.delete(seq)) return;
    this.#buffered.add(seq);
    this.#backfill.add(seq);
    this.#add('inFlight', -1);
    this.#add('buffered', 1);
    this.#add('held', 1);
    this.#changed();
  }

  /** A held message the device sends now, at simulated time `at`: in flight again, published (for the twin) at `at`. */
  released(seq: number, at: number): void {
    if (!this.#buffered.delete(seq)) return;
    this.#inFlight.set(seq, at);
    this.#add('buffered', -1);
    this.#add('inFlight', 1);
  }

  /**
   * A message that will not arrive: one in flight, or one the device's buffer dropped. A seq neither
   * in flight nor buffered (already delivered, or never published) is ignored.
   */
  lost(seq: number, reason: string): void {
    this.#parked?.delete(seq);
    if (this.#inFlight.delete(seq)) this.#add('inFlight', -1);
    else if (this.#buffered.delete(seq)) {
      // Dropped from the buffer: it was never sent, so it cannot arrive late.
      this.#backfill.delete(seq);
      this.#add('buffered', -1);
    } else return;
    this.#lost.set(seq, reason);
    this.lostBy[reason] = (this.lostBy[reason] ?? 0) + 1;
    this.#add('lost', 1);
    this.#changed();
  }

  /**
   * Where a message stands: delivered, in flight, in the device's buffer, lost (with why), or
   * undefined if it was never published (a channel's seqs are published in order from 1).
   */
  fate(seq: number): MessageFate | undefined {
    if (this.#inFlight.has(seq)) return IN_FLIGHT;
    if (this.#buffered.has(seq)) return BUFFERED;
    const reason = this.#lost.get(seq);
    if (reason !== undefined) return { state: 'lost', reason };
    return seq <= this.#highest ? DELIVERED : undefined;
  }

  writeOffInFlight(reason: string): number {
    const seqs = [...this.#inFlight.keys()];
    for (const seq of seqs) this.lost(seq, reason);
    return seqs.length;
  }

  /** See DeliveryLedger.parked. */
  park(seq: number): void {
    if (this.#inFlight.has(seq)) (this.#parked ??= new Set()).add(seq);
  }

  /** See DeliveryLedger.unparked. */
  unpark(seq: number, at: number): void {
    if (!this.#parked?.delete(seq)) return;
    const sentAt = this.#inFlight.get(seq);
    if (sentAt !== undefined && at > sentAt) this.#inFlight.set(seq, at);
  }

  delayed(seq: number, ms: number, stage: string): void {
    this.#delays ??= new Map();
    const delay = this.#delays.get(seq);
    if (delay === undefined) this.#delays.set(seq, { ms, stages: [stage] });
    else if (!delay.stages.includes(stage)) {
      delay.ms += ms;
      delay.stages.push(stage);
    }
  }

  takeDelay(seq: number): number {
    const delay = this.#delays?.get(seq);
    if (delay === undefined) return 0;
    this.#delays!.delete(seq);
    return delay.ms;
  }

  /** When a message still in flight was published (or released from the device's buffer), simulated time. */
  sentAt(seq: number): number | undefined {
    return this.#inFlight.get(seq);
  }

  /** The seq of the message in flight longest (the first published of those in flight). */
  get oldestSeq(): number | undefined {
    for (const seq of this.#inFlight.keys()) return seq;
    return undefined;
  }

  /** When the oldest message still in flight was published (simulated time), or undefined if none is. */
  get oldestInFlight(): number | undefined {
    let oldest: number | undefined;
    const parked = this.#parked;
    for (const [seq, at] of this.#inFlight) if ((oldest === undefined || at < oldest) && !parked?.has(seq)) oldest = at;
    return oldest;
  }

  summary(): ChannelSummary {
    return { ...this.counts, lostBy: { ...this.lostBy } };
  }
}
