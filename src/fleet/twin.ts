import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import type { Clock } from '../core/clock.ts';
import type { EventLog } from '../core/event-log.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { IN_THREAD_LINKS, type DeviceLink, type LinkEndpoint, type LinkOpener } from '../net/device-link.ts';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_VERSION, payloadText, type DecodeResult } from '../net/envelope.ts';
import type { SentEnvelopes } from '../net/sent-envelopes.ts';
import { CHANNELS, channelTopic, parseTopic, siteFilter, type DeviceAddress } from '../net/topics.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import { FIRMWARE_COMMAND } from '../net/security/roles.ts';
import { PlausibilityTracker } from './plausibility.ts';

/**
 * When a report counts as arrived, in simulated time. 'as-sent': when it was published, as the ledger
 * says (fast mode: the transport model has no latency yet, and the settle barrier lets everything sent
 * cross before time moves on, so verdicts do not depend on how often it settles). 'as-received': when
 * the twin takes it in (realtime).
 */
export type Arrivals = 'as-sent' | 'as-received';

/**
 * Carries a command the twin recorded to its device over another connection than the twin's own (an
 * operator console that signs it), in an envelope with sequence number `seq` — the one the delivery
 * ledger booked it under. Returns false when that connection was down and nothing was sent.
 */
export interface CommandSend {
  (address: DeviceAddress, body: Record<string, unknown> & { type: string }, seq: number): boolean;
  /**
   * Whether that connection is up now. When it is down the command never leaves, whatever else the
   * run knows of its device: it is lost to the station's side (STATION_OFFLINE), not the device's.
   */
  connected?(): boolean;
}

/**
 * The reason a command is booked lost when the station (or the console carrying it) had no connection
 * to the broker at the instant it was sent — a broker restart, a cut link: it never left.
 */
export const STATION_OFFLINE = 'network:station-offline';

/** The reason a command is booked lost when its device had no session at the broker to receive it (RunControls.undeliverable). */
export const DEVICE_OFFLINE = 'network:device-offline';

export interface TwinOptions {
  /** A device is stale after this many telemetry periods without telemetry. Default 3. */
  staleAfterPeriods?: number;
  /** A desired/reported difference older than this is a divergence, ms. Default 30 s. */
  divergenceGraceMs?: number;
  /**
   * A message stamped further than this from the twin's clock means the device's clock is wrong, ms.
   * Default 60 s: far above network delay (fast mode takes a message to arrive when it was sent, see
   * `arrivals`, so its settle window does not count), far below a real skew.
   */
  clockToleranceMs?: number;
  /**
   * The run's account of every message (net/delivery-ledger.ts). The twin books each command it sends
   * and each report it takes in there, and learns from it when a report was sent; without one, a
   * report arrives when the twin takes it in.
   */
  ledger?: DeliveryLedger;
  /**
   * When a report counts as arrived; default 'as-received' (see DigitalTwin.arrivals). 'as-sent' adds
   * the delay a network fault reported for it in the ledger (a WAN's latency, fast mode's tag timing).
   */
  arrivals?: Arrivals;
  /**
   * What the run's devices sent, kept for the twin to take instead of parsing the same text again
   * (net/sent-envelopes.ts). Default: none; every message is parsed.
   */
  sent?: SentEnvelopes;
}

/** A device's message as the twin applies it: `arrival` is simulation time. */
interface Report {
  shadow: Shadow;
  channel: string;
  seq: number;
  /** The device's own timestamp (its clock may be wrong). */
  t: number;
  /** Sent late, from the device's store-and-forward buffer (envelope `backfill`). */
  backfill?: boolean;
  arrival: number;
  /**
   * When the device sent it, in simulated time, as the ledger says (the arrival time where the ledger
   * does not know it). Staleness is judged on this: a device that reported on time is not quiet
   * because the report waited in the simulator's own queues.
   */
  sent: number;
  body: Record<string, unknown>;
}

/** Within one instant a device announces a state change before the telemetry that carries it. */
const CHANNEL_RANK: Readonly<Record<string, number>> = {
  [CHANNELS.status]: -1,
  [CHANNELS.state]: 0,
  [CHANNELS.alarm]: 1,
  [CHANNELS.telemetry]: 2,
};

/** Send order: by time sent, then channel, then sequence number (a channel's own order). */
function bySendOrder(a: Report, b: Report): number {
  if (a.arrival !== b.arrival) return a.arrival - b.arrival;
  if (a.channel !== b.channel) return (CHANNEL_RANK[a.channel] ?? 3) - (CHANNEL_RANK[b.channel] ?? 3);
  return a.seq - b.seq;
}

interface PendingCommand {
  shadow: Shadow;
  t: number;
  desired: Record<string, unknown> | undefined;
  calibrate: boolean;
}

export type TwinReceiveListener = (deviceId: string, channel: string, seq: number) => void;

/** The twin's view of one device, shaped like an AWS IoT Device Shadow / Eclipse Ditto thing. */
export interface Shadow {
  address: DeviceAddress;
  reported: Record<string, unknown>;
  desired: Record<string, unknown>;
  /** Desired fields the device does not (yet) report. */
  delta: Record<string, unknown>;
  version: number;
  /** When the newest telemetry was sent (simulation time, as the ledger says; else when it arrived), or undefined before the first. */
  lastSeen: number | undefined;
  /** From the device's status channel: its announcements (`online`) and its last will (offline). */
  online: boolean;
  /** Backfilled messages the device announced on its last reconnect and the twin has not received yet. */
  backfillPending: number;
  stale: boolean;
  diverged: boolean;
  deltaSince: number | undefined;
  activeAlarms: Set<string>;
  /** Messages from this device received by the twin, per channel. */
  received: Record<string, number>;
  receivedTotal: number;
  /**
   * Telemetry sequence accounting: gaps are lost (or not yet arrived) messages, duplicates repeats;
   * a reading that fills a gap after later ones overtook it is out of order (no longer missing).
   */
  lastTelemetrySeq: number;
  missingTelemetry: number;
  duplicateTelemetry: number;
  outOfOrderTelemetry: number;
  /** The gaps still open, as inclusive seq ranges, oldest first (the last MAX_GAPS kept). */
  telemetryGaps: [number, number][];
  /**
   * The longest the twin went without fresh telemetry from the device, ms: from the newest reading it
   * had (when sent) to the arrival of the next. The stretch still open at the end is not in it
   * (silenceAt adds it).
   */
  longestSilenceMs: number;
  lastTelemetryT: number | undefined;
  telemetryPeriodMs: number;
  /** When the device's first telemetry is due (it boots and reports at its own phase); stale counts from here until it is heard. */
  firstReportAt: number;
  /** Plausibility checks failing now (`glucose:frozen`, `clock`). */
  implausible: Set<string>;
  plausibility: PlausibilityTracker;
}

/**
 * The digital twin service: its own MQTT client subscribed to the whole site, keeping a shadow per
 * device. It notices what a central station should: devices that went quiet (stale) and devices whose
 * reports disagree with what they were told to do (diverged).
 */
export class DigitalTwin {
  readonly shadows = new Map<string, Shadow>();
  readonly site: string;
  #clock: Clock;
  #log: EventLog;
  #link: DeviceLink | undefined;
  #descriptors = new Map<string, AnyDeviceDescriptor>();
  /** Commands sent whose effect on their shadows waits for the reports sent before them (#applyCommands). */
  #pendingCommands: PendingCommand[] = [];
  /** Fast mode: reports taken in since the last check, applied there in the order they were sent. */
  #inbox: Report[] = [];
  #staleAfter: number;
  #grace: number;
  #clockTolerance: number;
  #ledger: DeliveryLedger | undefined;
  readonly #sent: SentEnvelopes | undefined;
  /** When a report counts as arrived (the run switches it with its pace: 'as-sent' at full speed). */
  arrivals: Arrivals;
  /**
   * Whether a message the broker sends with the retain flag comes out of the station's persistent
   * session (held for it while it was away, a broker restart) and so is a delivery, not history. The
   * run sets it when it restarts its broker (RestartAccount.takeQueued).
   */
  fromSession: (deviceId: string, channel: string, seq: number) => boolean = () => false;
  #commandSeq = 0;
  /** Envelope seq of the commands the twin sends (one per command, whatever its id). */
  #sendSeq = 0;
  #receivedTotal = 0;
  #malformed = 0;
  #listeners = new Set<TwinReceiveListener>();
  // check() runs after every realtime slice; with 10,000 shadows a full scan each time is real work.
  // Between scans only shadows that heard something can change, until the earliest deadline passes.
  #dirty = new Set<Shadow>();
  /** Past their stale deadline, but with telemetry sent before it still in flight (check): looked at again every check. */
  #awaiting = new Set<Shadow>();
  #nextDeadline = Number.NEGATIVE_INFINITY;

  constructor(site: string, clock: Clock, log: EventLog, options: TwinOptions = {}) {
    this.site = site;
    this.#clock = clock;
    this.#log = log;
    this.#staleAfter = options.staleAfterPeriods ?? 3;
    this.#grace = options.divergenceGraceMs ?? 30_000;
    this.#clockTolerance = options.clockToleranceMs ?? 60_000;
    this.#ledger = options.ledger;
    this.#sent = options.sent;
    this.arrivals = options.arrivals ?? 'as-received';
  }

  /** Total device messages received. */
  get receivedTotal(): number {
    return this.#receivedTotal;
  }

  get malformed(): number {
    return this.#malformed;
  }

  /** Registers a device the twin should expect to hear from. */
  register(address: DeviceAddress, descriptor: AnyDeviceDescriptor, firstReportAt = 0): void {
    this.#descriptors.set(address.deviceId, descriptor);
    this.#nextDeadline = Number.NEGATIVE_INFINITY;
    this.shadows.set(address.deviceId, {
      address,
      reported: {},
      desired: {},
      delta: {},
      version: 0,
      lastSeen: undefined,
      online: false,
      backfillPending: 0,
      stale: false,
      diverged: false,
      deltaSince: undefined,
      activeAlarms: new Set(),
      received: {},
      receivedTotal: 0,
      lastTelemetrySeq: 0,
      missingTelemetry: 0,
      duplicateTelemetry: 0,
      outOfOrderTelemetry: 0,
      telemetryGaps: [],
      longestSilenceMs: 0,
      lastTelemetryT: undefined,
      telemetryPeriodMs: descriptor.telemetryPeriodMs,
      firstReportAt,
      implausible: new Set(),
      plausibility: new PlausibilityTracker(),
    });
  }

  /** Called after every message the twin takes in (the runner's settle barrier listens here). */
  onReceive(listener: TwinReceiveListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Connects the twin's own client and subscribes to the whole site (QoS 1); resolves once subscribed.
   * `links` decides where the client runs: a large fleet's twin receives every message of the fleet,
   * and on a link thread (LinkPool) their parsing is off the simulation's thread.
   */
  async connect(endpoint: LinkEndpoint, links: LinkOpener = IN_THREAD_LINKS): Promise<void> {
    this.#link = await links.open({ ...endpoint, subscribe: siteFilter(this.site) }, (topic, payload, retain) =>
      this.#onMessage(topic, payload, retain),
    );
  }

  /**
   * The central station hangs: its client stops reading its socket (the broker drops it within its
   * drain timeout). What the devices send meanwhile is lost to it — written off in the ledger now and
   * as it is published (`network:twin-frozen`), so nothing waits for it — and the devices go stale
   * as their deadlines pass. The returned function restarts the client (a fresh connection,
   * subscribed again) and resolves once it is.
   */
  freeze(): () => Promise<void> {
    const thaw = this.#link?.freeze?.();
    if (thaw === undefined) throw new Error("the twin's link cannot freeze (it runs on a link thread): run with --links in-thread");
    const reason = 'network:twin-frozen';
    // The commands the twin sends still reach their devices: a hung station's last words are not its business here.
    this.#ledger?.writeOffInFlight(reason, [CHANNELS.cmd]);
    const reopen = this.#ledger?.refuse(reason, [CHANNELS.cmd]);
    return async () => {
      reopen?.();
      await thaw();
    };
  }

  /** Resolves once every message the broker sent the twin before now has been taken in (DeviceLink.fence). */
  fence(): Promise<void> {
    return this.#link?.fence() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    await this.#link?.close();
  }

  /**
   * Sends a command to a device as the central station would, and records what it should bring about
   * as desired state. Returns the command id. `send`, when given, carries the command instead of the
   * twin's own connection (an operator console that signs it, src/fleet/operator-console.ts).
   * `undeliverable`: the run knows the command cannot reach its device (why, as a ledger loss reason):
   * it is recorded and booked lost, and nothing is sent (unless the station's own link is down, which
   * is the reason then).
   */
  command(deviceId: string, command: Record<string, unknown>, send?: CommandSend, undeliverable?: string): string {
    const shadow = this.#shadow(deviceId);
    const descriptor = this.#descriptors.get(deviceId)!;
    const commandId = (command.commandId as string | undefined) ?? `twin-${++this.#commandSeq}`;
    const body = { ...command, commandId };
    const now = this.#clock.now();
    const desired = descriptor.desired?.(body);
    // What the command changes in the shadow waits until the device's reports sent before it are in
    // (the next check; in fast mode the runner settles right after a command): applied now, a report
    // still in flight would land on the new desired state or the rebased plausibility baseline, and
    // what the twin concludes would depend on how many were in flight.
    this.#pendingCommands.push({ shadow, t: now, desired, calibrate: command.type === 'calibrate' });
    this.#dirty.add(shadow);
    this.#log.record({
      t: now,
      source: 'twin',
      type: 'twin.command',
      data: { device: deviceId, command: loggable(body), desired: desired ?? {} },
    });
    const seq = ++this.#sendSeq;
    this.#ledger?.published(deviceId, CHANNELS.cmd, seq, now);
    // The station's own link down comes first (it could not send at all): network:station-offline below.
    const stationDown = send === undefined ? this.#link?.connected === false : send.connected?.() === false;
    if (undeliverable !== undefined && !stationDown) {
      this.#ledger?.lost(deviceId, CHANNELS.cmd, seq, undeliverable);
      return commandId;
    }
    let sent: boolean | undefined;
    if (send !== undefined) sent = send(shadow.address, { ...body, type: String(command.type) }, seq);
    else {
      const payload = encodeEnvelope({ v: ENVELOPE_VERSION, device: 'twin', kind: 'twin', seq, t: now, body });
      // (A link that cannot refuse returns nothing: taken as sent.)
      sent = this.#link?.publish(channelTopic(shadow.address, CHANNELS.cmd), payload, 1, false) !== false;
    }
    // A session driven on the run's clock refuses a publish while it is down (DeviceLink.publish): the
    // command never left, and is lost at its instant rather than waited for until the barrier gives up.
    if (sent === false) this.#ledger?.lost(deviceId, CHANNELS.cmd, seq, STATION_OFFLINE);
    return commandId;
  }

  /**
   * Evaluates staleness and divergence at the current simulation time. The runner calls it once the
   * transport has settled, so the result depends only on simulation time, never on network timing.
   *
   * It raises the flags whose deadlines have passed with no report to stop them; reports clear them
   * as they arrive, and raise first what a report finds already due (#passDeadlines). Every flag is
   * stamped when it became true or false — the deadline that passed, the report that cleared it — so
   * the log does not depend on how often checks run: a device that went quiet and came back, or
   * diverged and converged, between two checks is logged as it happened.
   */
  check(): void {
    this.#applyInbox();
    this.#applyCommands(Number.POSITIVE_INFINITY);
    const now = this.#clock.now();
    const full = now >= this.#nextDeadline;
    const shadows = full ? this.shadows.values() : this.#awaiting.size === 0 ? this.#dirty : new Set([...this.#dirty, ...this.#awaiting]);
    if (full) this.#nextDeadline = Number.POSITIVE_INFINITY;
    for (const shadow of shadows) {
      const deadline = this.#staleDeadline(shadow);
      this.#awaiting.delete(shadow);
      if (!shadow.stale && now >= deadline) {
        // Judged on simulated time and the delivery account: telemetry the device sent in time that
        // has not arrived yet (it waits in a socket while the simulator catches up) keeps it fresh
        // until it arrives or is accounted lost — the simulator's own lag never flags a device.
        if (this.#inFlightBy(shadow, deadline)) this.#awaiting.add(shadow);
        else this.#setStale(shadow, true, deadline);
      }
      const divergedAt = this.#divergedAt(shadow);
      if (!shadow.diverged && divergedAt !== undefined && now >= divergedAt) this.#setDiverged(shadow, true, divergedAt);
      if (!shadow.stale && !this.#awaiting.has(shadow)) this.#nextDeadline = Math.min(this.#nextDeadline, deadline);
      if (divergedAt !== undefined && !shadow.diverged) this.#nextDeadline = Math.min(this.#nextDeadline, divergedAt);
    }
    this.#dirty.clear();
  }

  /** Applies, in the order sent, the commands sent before `before` (see command()). */
  #applyCommands(before: number): void {
    let applied = 0;
    for (const { shadow, t, desired, calibrate } of this.#pendingCommands) {
      if (t >= before) break;
      applied++;
      // A calibration moves readings on purpose; the next reading must not be judged against the last.
      if (calibrate) shadow.plausibility.rebase();
      if (!desired) continue;
      this.#passDeadlines(shadow, t);
      Object.assign(shadow.desired, desired);
      shadow.version++;
      this.#updateDelta(shadow, t);
    }
    if (applied > 0) this.#pendingCommands.splice(0, applied);
  }

  /** Whether telemetry the device sent at or before `t` is still in flight (the ledger's account). */
  #inFlightBy(shadow: Shadow, t: number): boolean {
    const oldest = this.#ledger?.account(shadow.address.deviceId)?.channels.get(CHANNELS.telemetry)?.oldestInFlight;
    if (oldest !== undefined && oldest <= t) return true;
    // Taken in, but delayed by a network fault past now (#applyInbox keeps it): still on its way.
    return this.#inbox.some((r) => r.shadow === shadow && r.channel === CHANNELS.telemetry && r.sent <= t);
  }

  /** When the device goes stale if nothing more is heard from it. */
  #staleDeadline(shadow: Shadow): number {
    return (shadow.lastSeen ?? shadow.firstReportAt) + this.#staleAfter * shadow.telemetryPeriodMs;
  }

  /** When the device's current delta becomes a divergence; undefined while reported matches desired. */
  #divergedAt(shadow: Shadow): number | undefined {
    return shadow.deltaSince === undefined ? undefined : shadow.deltaSince + this.#grace;
  }

  /**
   * Raises the flags whose deadlines passed before `t`, the time of a report or command about to be
   * applied (which may clear them again at `t`). Strictly before: a report at the very deadline is in
   * time, as it is for check(), which runs after every report of its instant.
   */
  #passDeadlines(shadow: Shadow, t: number): void {
    const deadline = this.#staleDeadline(shadow);
    if (!shadow.stale && t > deadline) this.#setStale(shadow, true, deadline);
    const divergedAt = this.#divergedAt(shadow);
    if (!shadow.diverged && divergedAt !== undefined && t > divergedAt) this.#setDiverged(shadow, true, divergedAt);
  }

  #setStale(shadow: Shadow, stale: boolean, t: number): void {
    shadow.stale = stale;
    this.#log.record({
      t: this.#stamp(t),
      source: 'twin',
      type: stale ? 'twin.stale' : 'twin.fresh',
      data: { device: shadow.address.deviceId, lastSeen: shadow.lastSeen ?? null },
    });
  }

  #setDiverged(shadow: Shadow, diverged: boolean, t: number): void {
    shadow.diverged = diverged;
    this.#log.record({
      t: this.#stamp(t),
      source: 'twin',
      type: diverged ? 'twin.diverged' : 'twin.converged',
      data: { device: shadow.address.deviceId, delta: shadow.delta },
    });
    this.#link?.publish(
      channelTopic(shadow.address, CHANNELS.twinDelta),
      JSON.stringify({ delta: shadow.delta, version: shadow.version }),
      0,
      false,
    );
  }

  /** A time for a twin event: never before what the log has already sealed, never after now. */
  #stamp(t: number): number {
    return Math.min(this.#clock.now(), Math.max(t, this.#log.sealedUpTo + 1));
  }

  #shadow(deviceId: string): Shadow {
    const shadow = this.shadows.get(deviceId);
    if (!shadow)
      throw new Error(`the twin has no device "${deviceId}"; known devices: ${[...this.shadows.keys()].slice(0, 5).join(', ')}...`);
    return shadow;
  }

  #onMessage(topic: string, payload: Buffer, retained = false): void {
    const parsed = parseTopic(topic);
    const shadow = parsed ? this.shadows.get(parsed.deviceId) : undefined;
    // The twin's own outputs (cmd, twin/*) come back on the site filter; they are not device reports.
    if (!parsed || !shadow || parsed.channel === CHANNELS.cmd || parsed.channel.startsWith('twin/')) return;
    if (parsed.channel === CHANNELS.status) return this.#onStatus(shadow, payload, retained);
    const decoded = this.#decode(topic, payload);
    // A retained message is history (perhaps from an earlier run on the same broker), not a delivery —
    // unless the station's persistent session kept it while the station was away (a broker restart):
    // its queue hands it over with the retain flag it was published with.
    if (retained && !(decoded.ok && this.fromSession(parsed.deviceId, parsed.channel, decoded.envelope.seq))) return;
    if (!decoded.ok) {
      this.#malformed++;
      return;
    }
    const { envelope } = decoded;
    this.#receivedTotal++;
    shadow.receivedTotal++;
    shadow.received[parsed.channel] = (shadow.received[parsed.channel] ?? 0) + 1;
    const report: Report = {
      shadow,
      channel: parsed.channel,
      seq: envelope.seq,
      t: envelope.t,
      arrival: Number.NaN,
      sent: Number.NaN,
      body: envelope.body as Record<string, unknown>,
    };
    // Set, not spread into the literal: a conditional spread costs an object and a copy per message.
    if (envelope.backfill) report.backfill = true;
    const now = this.#clock.now();
    // Written off as lost (a network fault dropped it) and here after all: a QoS 1 message its sender
    // sent again, which it does on reconnecting — that instant, not its first send, is its arrival.
    const fate = this.#ledger?.account(parsed.deviceId)?.channels.get(parsed.channel)?.fate(envelope.seq)?.state;
    const late = fate === 'lost';
    // An alarm or state report taken in already, again: QoS 1 is at-least-once, and a device that
    // never saw its PUBACK (a downstream blackhole swallowed it) sends it again on reconnecting. A
    // central station deduplicates on the envelope's seq: an alarm cleared since must not show again,
    // and when the copy came would otherwise place it (the ledger holds it no longer).
    const repeat = fate === 'delivered' && (parsed.channel === CHANNELS.alarm || parsed.channel === CHANNELS.state);
    const sentAt = this.#ledger?.delivered(parsed.deviceId, parsed.channel, envelope.seq, now);
    if (this.arrivals === 'as-sent' && sentAt !== undefined)
      report.arrival = sentAt + this.#ledger!.delayOf(parsed.deviceId, parsed.channel, envelope.seq);
    else if (this.arrivals === 'as-sent' && late) report.arrival = now;
    // A report the ledger no longer holds (a copy a network fault duplicated) is placed at the time the
    // device stamped it, not at the moment it was taken in, which would depend on the settle window.
    else if (this.arrivals === 'as-sent' && this.#ledger !== undefined) report.arrival = Math.min(envelope.t, now);
    report.sent = sentAt ?? (Number.isNaN(report.arrival) ? now : report.arrival);
    if (repeat) {
      // Counted (received, and duplicated in the ledger), not applied.
    } else if (Number.isNaN(report.arrival)) {
      // Realtime: a report arrives when the twin takes it in, and is applied at once.
      report.arrival = now;
      this.#apply(report);
    } else {
      // Fast mode: it arrives when it was sent. The broker may deliver a device's messages out of
      // order across channels (aedes works through a socket read's packets concurrently, and a
      // retained QoS 1 state message waits for its store while later QoS 0 telemetry goes on), so
      // reports wait for the next check and are applied there in the order they were sent — what
      // the twin concludes must not depend on how many were in flight at once.
      this.#inbox.push(report);
    }
    for (const listener of this.#listeners) listener(parsed.deviceId, parsed.channel, envelope.seq);
  }

  /**
   * A device's envelope: the one its sender kept for exactly these bytes (net/sent-envelopes.ts), or
   * the bytes parsed — the same value either way.
   */
  #decode(topic: string, payload: Buffer): DecodeResult {
    const sent = this.#sent;
    if (sent === undefined) return decodeEnvelope(payload);
    const text = payloadText(payload);
    const envelope = sent.take(topic, text);
    return envelope !== undefined ? { ok: true, envelope } : decodeEnvelope(text);
  }

  /**
   * The status channel (un-enveloped, retained): a device's announcement on each (re)connect
   * (`{ online: true, seq, t, backlog }`), its last will (`{ online: false, reason }`, published by the
   * broker when its connection died), or its farewell at shutdown. A retained one is history (the
   * subscription replaying it) and only sets the flag. Announcements and wills are booked in the
   * ledger (channel `status` by seq; `will`, oldest first, by the run's network when a fault cuts a
   * session), which gives their send time, so the twin logs `twin.online` / `twin.offline` at an
   * instant that does not depend on socket timing.
   */
  #onStatus(shadow: Shadow, payload: Buffer, retained: boolean): void {
    let status: { online?: unknown; seq?: unknown; backlog?: unknown; reason?: unknown };
    try {
      status = JSON.parse(payload.toString());
    } catch {
      this.#malformed++;
      return;
    }
    const online = Boolean(status.online);
    const announced = online && typeof status.seq === 'number';
    const deviceId = shadow.address.deviceId;
    // History (but an announcement a persistent session kept for the station, still on its way), an
    // unnumbered announcement, or a device saying goodbye at the end of the run: the flag only.
    const queued = announced && this.fromSession(deviceId, CHANNELS.status, status.seq as number);
    const history = retained && !queued;
    if (history || (!announced && online) || status.reason === 'shutdown') {
      shadow.online = online;
      return;
    }
    const now = this.#clock.now();
    let sentAt: number | undefined;
    if (announced) {
      // A device's own message (the will is the broker's): counted with its reports.
      this.#receivedTotal++;
      shadow.receivedTotal++;
      shadow.received[CHANNELS.status] = (shadow.received[CHANNELS.status] ?? 0) + 1;
      sentAt = this.#ledger?.delivered(deviceId, CHANNELS.status, status.seq as number, now);
    } else sentAt = this.#ledger?.deliveredOldest(deviceId, 'will', now)?.sentAt;
    if (sentAt === undefined && this.arrivals === 'as-sent' && this.#ledger !== undefined) {
      // Not in the ledger (a will the network did not see coming: the broker's own keep-alive, a
      // restart): when it came depends on socket timing, so at full speed it sets the flag only.
      shadow.online = online;
      return;
    }
    const report: Report = {
      shadow,
      channel: CHANNELS.status,
      seq: announced ? (status.seq as number) : 0,
      t: sentAt ?? now,
      // Plus, for one the station's persistent session kept, the wait until the station returned.
      arrival:
        this.arrivals === 'as-sent' && sentAt !== undefined
          ? sentAt + (queued ? this.#ledger!.delayOf(deviceId, CHANNELS.status, status.seq as number) : 0)
          : now,
      sent: sentAt ?? now,
      body: {
        online,
        ...(typeof status.backlog === 'number' ? { backlog: status.backlog } : {}),
        ...(typeof status.reason === 'string' ? { reason: status.reason } : {}),
      },
    };
    if (this.arrivals === 'as-sent' && sentAt !== undefined) this.#inbox.push(report);
    else this.#apply(report);
  }

  /** A status report applied: the device is back (`twin.online`, and its backfill to come) or gone (`twin.offline`). */
  #applyStatus(shadow: Shadow, report: Report): void {
    const device = shadow.address.deviceId;
    const { online, backlog, reason } = report.body as { online: boolean; backlog?: number; reason?: string };
    const t = this.#stamp(report.arrival);
    if (!online) {
      // Every will the ledger placed is a loss of the device's session, whatever the flag said (a
      // retained status from an earlier run on the same broker may have set it).
      shadow.online = false;
      this.#log.record({
        t,
        source: 'twin',
        type: 'twin.offline',
        data: { device, reason: reason ?? 'unknown', lastSeen: shadow.lastSeen ?? null },
      });
      return;
    }
    const back = report.seq > 1;
    shadow.online = true;
    shadow.backfillPending = backlog ?? 0;
    // The first announcement is the device joining at the start; later ones are returns.
    if (back) this.#log.record({ t, source: 'twin', type: 'twin.online', data: { device, backlog: backlog ?? 0 } });
    if (back && (backlog ?? 0) > 0) this.#log.record({ t, source: 'twin', type: 'twin.backfilling', data: { device, backlog } });
  }

  /** Applies the reports taken in since the last check, in the order sent, with the commands sent between them. */
  #applyInbox(): void {
    if (this.#inbox.length === 0) return;
    // A report a network fault delays (fast mode stamps it at send time + delay) arrives in the
    // simulation's future: it waits for a check at or after its arrival, like any message on a slow link.
    const now = this.#clock.now();
    const reports = this.#inbox.filter((r) => r.arrival <= now).sort(bySendOrder);
    this.#inbox = reports.length === this.#inbox.length ? [] : this.#inbox.filter((r) => r.arrival > now);
    for (const report of reports) this.#apply(report);
  }

  /** Applies one report, after the commands sent before it. */
  #apply(report: Report): void {
    if (this.#pendingCommands.length > 0) this.#applyCommands(report.arrival);
    const { shadow, arrival, body } = report;
    if (report.backfill && shadow.backfillPending > 0 && --shadow.backfillPending === 0)
      this.#log.record({ t: this.#stamp(arrival), source: 'twin', type: 'twin.backfilled', data: { device: shadow.address.deviceId } });
    switch (report.channel) {
      case CHANNELS.status:
        this.#applyStatus(shadow, report);
        break;
      case CHANNELS.telemetry:
        this.#onTelemetry(shadow, report, body);
        break;
      case CHANNELS.state:
        this.#passDeadlines(shadow, report.sent);
        shadow.reported.state = body.state;
        shadow.version++;
        this.#updateDelta(shadow, arrival);
        break;
      case CHANNELS.alarm:
        this.#onAlarm(shadow, report.arrival, body);
        break;
    }
  }

  /**
   * An alarm message: what the central station shows. Each change — an alarm it starts showing, one
   * it stops showing — is logged (`twin.alarm.raised`, `twin.alarm.cleared`), so what the station
   * announced is judged against the patient's truth (station-unalarmed-desaturation-minutes), apart
   * from what the device announced at the bedside. An escalation of an alarm already shown changes
   * nothing here.
   */
  #onAlarm(shadow: Shadow, arrival: number, body: Record<string, unknown>): void {
    const device = shadow.address.deviceId;
    if (body.type === 'alarm.raised') {
      const alarm = body.alarm as { code?: unknown; parameter?: unknown; priority?: unknown } | undefined;
      const code = String(alarm?.code);
      if (shadow.activeAlarms.has(code)) return;
      shadow.activeAlarms.add(code);
      this.#log.record({
        t: this.#stamp(arrival),
        source: 'twin',
        type: 'twin.alarm.raised',
        data: {
          device,
          code,
          ...(typeof alarm?.parameter === 'string' ? { parameter: alarm.parameter } : {}),
          ...(typeof alarm?.priority === 'string' ? { priority: alarm.priority } : {}),
        },
      });
    } else if (body.type === 'alarm.cleared') {
      const code = String(body.code);
      if (!shadow.activeAlarms.delete(code)) return;
      this.#log.record({ t: this.#stamp(arrival), source: 'twin', type: 'twin.alarm.cleared', data: { device, code } });
    }
  }

  #onTelemetry(shadow: Shadow, report: Report, body: Record<string, unknown>): void {
    const { seq, t, arrival, sent } = report;
    if (seq <= shadow.lastTelemetrySeq) {
      // Overtaken by later readings: it fills its gap (not lost after all), but is older than what
      // the shadow shows, so it changes nothing else. Otherwise it is a repeat.
      if (fillGap(shadow.telemetryGaps, seq)) {
        shadow.missingTelemetry--;
        shadow.outOfOrderTelemetry++;
      } else shadow.duplicateTelemetry++;
      return;
    }
    shadow.longestSilenceMs = Math.max(shadow.longestSilenceMs, arrival - (shadow.lastSeen ?? shadow.firstReportAt));
    if (seq > shadow.lastTelemetrySeq + 1) {
      shadow.missingTelemetry += seq - shadow.lastTelemetrySeq - 1;
      shadow.telemetryGaps.push([shadow.lastTelemetrySeq + 1, seq - 1]);
      if (shadow.telemetryGaps.length > MAX_GAPS) shadow.telemetryGaps.shift();
    }
    shadow.lastTelemetrySeq = seq;
    this.#passDeadlines(shadow, sent);
    if (report.backfill) {
      // History from the device's buffer: it fills the record and shows the device is back, but it is
      // not the device's present state, and a burst of old readings says nothing about rates.
      shadow.lastSeen = Math.max(shadow.lastSeen ?? 0, sent);
      if (shadow.stale) this.#setStale(shadow, false, arrival);
      return;
    }
    Object.assign(shadow.reported, body);
    shadow.version++;
    shadow.lastSeen = Math.max(shadow.lastSeen ?? 0, sent);
    if (shadow.stale) this.#setStale(shadow, false, arrival);
    shadow.lastTelemetryT = t;
    this.#updateDelta(shadow, arrival);
    this.#checkPlausibility(shadow, t, arrival, body);
  }

  /**
   * Compares what the device says with what a body and a clock can do. Events are stamped with the
   * message's arrival time.
   */
  #checkPlausibility(shadow: Shadow, t: number, arrival: number, body: Record<string, unknown>): void {
    const device = shadow.address.deviceId;
    const now = this.#stamp(arrival);
    // Rates are judged on the twin's arrival times: a device with a wrong clock must not fake them.
    let { failed, recovered } = shadow.plausibility.observe(arrival, body);
    const skew = t - arrival;
    const clockWrong = Math.abs(skew) > this.#clockTolerance;
    // Nearly every report changes nothing: skip the loops below, whose iterators were garbage per report.
    if (failed.length === 0 && recovered.length === 0 && clockWrong === shadow.implausible.has('clock')) return;
    if (clockWrong && !shadow.implausible.has('clock')) {
      failed = [
        ...failed,
        { check: 'clock', signal: 'clock', value: skew, detail: `message stamped ${Math.round(skew / 1000)} s from the twin's clock` },
      ];
    } else if (!clockWrong && shadow.implausible.has('clock')) {
      recovered = [...recovered, { check: 'clock', signal: 'clock', value: skew, detail: 'device clock back within tolerance' }];
    }
    for (const f of failed) {
      shadow.implausible.add(f.signal === 'clock' ? 'clock' : `${f.signal}:${f.check}`);
      this.#log.record({
        t: now,
        source: 'twin',
        type: 'twin.implausible',
        data: { device, check: f.check, signal: f.signal, value: f.value, detail: f.detail },
      });
    }
    for (const r of recovered) {
      shadow.implausible.delete(r.signal === 'clock' ? 'clock' : `${r.signal}:${r.check}`);
      this.#log.record({ t: now, source: 'twin', type: 'twin.plausible', data: { device, check: r.check, signal: r.signal } });
    }
  }

  #updateDelta(shadow: Shadow, t: number): void {
    this.#dirty.add(shadow);
    // Runs for every report; most devices were never sent a command, so most have nothing to compare.
    let delta: Record<string, unknown> | undefined;
    for (const key in shadow.desired) {
      const want = shadow.desired[key];
      if (canonicalJson(shadow.reported[key]) !== canonicalJson(want)) (delta ??= {})[key] = want;
    }
    // Replaced, never changed in place: twin.diverged events hold the delta they were logged with.
    if (delta === undefined) {
      if (!isEmpty(shadow.delta)) shadow.delta = {};
      shadow.deltaSince = undefined;
      if (shadow.diverged) this.#setDiverged(shadow, false, t);
    } else {
      shadow.delta = delta;
      shadow.deltaSince ??= t;
    }
  }
}

/** Open telemetry gaps a shadow remembers; a reading filling an older one is counted a duplicate. */
const MAX_GAPS = 256;

/** Removes `seq` from the gap holding it, if one does; returns whether one did. */
function fillGap(gaps: [number, number][], seq: number): boolean {
  for (let i = gaps.length - 1; i >= 0; i--) {
    const [from, to] = gaps[i]!;
    if (seq < from || seq > to) continue;
    const parts: [number, number][] = [];
    if (from < seq) parts.push([from, seq - 1]);
    if (seq < to) parts.push([seq + 1, to]);
    gaps.splice(i, 1, ...parts);
    return true;
  }
  return false;
}

/**
 * The longest the twin has gone without fresh telemetry from the device by simulated time `at`, ms:
 * the longest stretch between readings, or the one still open at `at`, whichever is longer.
 */
export function silenceAt(shadow: Pick<Shadow, 'longestSilenceMs' | 'lastSeen' | 'firstReportAt'>, at: number): number {
  return Math.max(shadow.longestSilenceMs, at - (shadow.lastSeen ?? shadow.firstReportAt), 0);
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** A command as the log keeps it: a firmware offer without its image bytes (kilobytes per device), which its manifest's digest stands for. */
function loggable(body: Record<string, unknown>): Record<string, unknown> {
  if (body.type !== FIRMWARE_COMMAND || typeof body.image !== 'string') return body;
  const { image: _image, signature: _signature, ...rest } = body;
  return rest;
}
