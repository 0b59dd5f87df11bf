import type { LedgerSummary } from '../net/delivery-ledger.ts';

/**
 * What a finished run reports: the shape of the JSON report and the input of every reporter.
 * Field names are part of medtwin's CI contract (docs/ci.md); add fields, never rename them.
 */
export interface RunResult {
  /** `durationMs`: the scenario file's own duration. */
  scenario: { name: string; description?: string; tags: string[]; file?: string; durationMs: number };
  seed: string;
  mode: 'fast' | 'realtime';
  /** Simulated time the run was asked for: the scenario's duration, or `--duration`. */
  durationMs: number;
  /** Simulated time covered, ms. */
  simulatedMs: number;
  /** Wall time the simulation took, ms (not deterministic; excluded from the digest). */
  wallMs: number;
  /** SHA-256 of the canonical event log (docs/ci.md): same scenario + seed → same digest. */
  digest: string;
  /** Number of events in the log. */
  events: number;
  /** True when every expectation passed and the transport lost nothing it should not have. */
  ok: boolean;
  /**
   * Set when a signal (SIGINT, SIGTERM) stopped the run before its end: the result covers
   * `simulatedMs` of `durationMs`, and `ok` is false whatever the expectations say.
   */
  interrupted?: { signal: string };
  /** The broker, where it ran, and where the devices' MQTT clients ran (docs/broker.md#large-fleets). */
  broker: { url: string; placement: string; links: 'in-thread' | 'link-thread' };
  /** Realtime mode only: whether the run kept the wall clock's pace (not deterministic; excluded from the digest). */
  realtime?: RealtimePace;
  delivery: DeliveryResult;
  /** Set when the scenario names network faults: what the fault proxies did (the losses are in delivery.ledger). */
  network?: NetworkResult;
  devices: DeviceResult[];
  alarms: AlarmSummary;
  twin: TwinResult;
  injections: InjectionRecord[];
  expectations: ExpectationResult[];
  /** Decimated signals for plots (HTML report, TUI charts). */
  series: SeriesSet[];
  /**
   * Run integrity: impossible patient states (`physiology.invalid` events). A run with any is not `ok`,
   * whatever its expectations say: its clinical figures rest on a state no patient can be in.
   */
  integrity?: IntegrityResult;
  /** The security profile the run applied and what its controls did (docs/security.md); absent when none was asked for. */
  security?: SecurityResult;
  /** The plan's patch campaigns, per zone (docs/security.md#patch-campaigns); absent when it has none. */
  campaigns?: CampaignResult[];
  /** The intrusion detector's alerts (docs/attacks.md#the-intrusion-detector); absent when the run had no detector. */
  ids?: IdsResult;
  /**
   * Set when an attack's impact was judged against the counterfactual run — the same plan, seed and
   * profile with the attacks withheld (docs/scenarios.md#prevented): that run's digest and events.
   */
  counterfactual?: { digest: string; events: number };
}

/** One patch campaign: per zone, devices offered the image, patched, failed (left down), rolled back, and that refused it. */
export interface CampaignResult {
  id: string;
  kind: string;
  to: string;
  zones: { zone: string; offered: number; patched: number; failed: number; rolledBack: number; refused: number }[];
}

/** Impossible physiological states seen during a run (docs/physiology.md#integrity). */
export interface IntegrityResult {
  /** True when no patient state left the physiological bounds. */
  ok: boolean;
  /** Number of `physiology.invalid` events. */
  errors: number;
  /** The first few, in order. */
  first: IntegrityError[];
}

export interface IntegrityError {
  /** Event id of the `physiology.invalid` event. */
  eventId: number;
  t: number;
  patient: string;
  signal: string;
  value: number | string;
  reason: string;
}

/** What the intrusion detector saw and raised in a run. */
export interface IdsResult {
  /** False when the broker could not be tapped (a child-process or external broker): nothing was observed. */
  available: boolean;
  /** Observations the detector numbered (the dataset export's records). */
  observations: number;
  /** Alerts raised, and findings folded into an alert already raised for the same rule and subject. */
  alerts: number;
  suppressed: number;
  /** Alerts per severity (low, medium, high, critical) and per rule. */
  bySeverity: Record<string, number>;
  byRule: Record<string, number>;
  /** The first alerts, in the event log's order (at most IDS_ALERTS_KEPT). */
  first: IdsAlertRecord[];
}

/** How many alerts a result keeps in full (the event log has them all). */
export const IDS_ALERTS_KEPT = 50;

/** One `ids.alert` as reports show it. */
export interface IdsAlertRecord {
  /** The event's id in the log. */
  eventId: number;
  t: number;
  rule: string;
  severity: string;
  techniques: string[];
  clientId: string;
  device?: string;
  summary: string;
}

/** What a run's security controls were and did. */
export interface SecurityResult {
  profile: string;
  /** The controls in force, in their declared order. */
  controls: string[];
  /** Identities the run derived (devices, the twin, operator consoles). */
  identities: number;
  /** The broker's decisions (when a broker-side control was on); reconnects of the run's own clients are counted, not logged. */
  broker?: { accepted: number; refused: number; lockouts: number; publishesDenied: number; subscribesDenied: number; reconnects: number };
  /** The run's commands: sent through operator consoles, refused by devices' firmware, dropped by the broker. */
  commands: { viaConsole: number; refusedByDevices: number; deniedAtBroker: number };
  /** Under signedCommands: devices by how their firmware checks commands (docs/advisories.md). */
  commandChecks?: { verify: number; 'signature-only': number; none: number };
  /** Under auditLog: the hash-chained log's length and last hash (its tail cannot be cut unseen). */
  audit?: { records: number; head: string };
  /** Under consent: the research-export consumer's telemetry records released (under pseudonyms) and withheld, and the patients released. */
  researchExport?: {
    released: number;
    withheld: number;
    patients: number;
    /** Where the released records were written (`--research-export PATH`), if anywhere. */
    file?: string;
  };
}

/**
 * How well a realtime run kept pace. A machine too slow for the fleet at the asked speed still runs
 * every simulated millisecond, only later: past a 2 s backlog the run stops chasing the wall clock.
 */
export interface RealtimePace {
  /** The speed asked for at the end of the run (the TUI can change it; 'max' runs as fast as the transport settles). */
  speed: number | 'max';
  /** Simulated time the run fell behind the wall clock (at its speed) and never caught up, ms; 0 when it kept pace. */
  behindMs: number;
  /** The largest backlog of simulated time behind the wall clock at any moment, ms (a large fleet's boot second shows here). */
  maxLagMs: number;
  /** Simulated time run ÷ simulated time the wall clock allowed: 1 kept pace, 0.9 ran at 90 % of the asked speed. */
  pace: number;
}

/** What a run's network (its fault proxies, docs/network.md) did. */
export interface NetworkResult {
  /** PUBLISHes the proxies acted on, by fate: dropped, delayed, duplicated, downgraded, released. */
  fates: Record<string, number>;
  /** Each listener's account (`zone:icu`, `link:pump-003`, `twin`): connections accepted, refused, reset; bytes and PUBLISHes per direction. */
  listeners: Record<string, unknown>;
}

/**
 * What the transport did with the devices' own messages: every figure but `ledger` leaves out the
 * channels a device does not send on — `cmd` (the twin's commands to it) and `will` (the broker's
 * last will for it) — docs/network.md#the-delivery-account.
 */
export interface DeliveryResult {
  /** Messages devices handed to their MQTT clients. */
  published: number;
  /** Of those, received by the twin (each message once, however many copies a fault made). */
  deliveredToTwin: number;
  /** Published but never received (lost in transit). */
  lost: number;
  /**
   * Of `lost`, messages a fault of the scenario explains (the delivery ledger's `network:` reasons, and
   * `device:` ones: an offline buffer letting go while a fault keeps its device offline): expected
   * losses, which do not fail the transport check. Never more than `lost`. Absent without network faults.
   */
  lostToFaults?: number;
  /** Telemetry readings the twin found missing from the sequence (one that arrived after later ones is out of order, not missing). */
  sequenceGaps: number;
  /** Copies of messages the twin had already received (the ledger's count). */
  duplicates: number;
  /**
   * Waits where the transport stalled (nothing delivered or lost for the settle timeout of wall time);
   * what was missing then was written off as lost. Non-zero breaks determinism.
   */
  settleTimeouts: number;
  /**
   * The delivery ledger (src/net/delivery-ledger.ts): every message any party handed to the network,
   * per device and channel (`cmd`: the commands sent to it) — published = delivered + lost + inFlight +
   * buffered (held in a device's offline buffer); late ones also count as delivered, duplicates apart;
   * held = messages a device ever buffered while offline, backfilled = those of them delivered; losses by reason.
   */
  ledger?: LedgerSummary;
}

export interface DeviceResult {
  id: string;
  kind: string;
  zone: string;
  bed: string;
  patientId: string;
  firmware?: string;
  finalState: string;
  published: number;
  deliveredToTwin: number;
  /** Telemetry messages the twin never saw (sequence gaps). */
  missing: number;
  alarmsRaised: number;
  commandsReceived: number;
  commandsRejected: number;
  /** Per-kind accuracy figures against patient truth, e.g. { mard: 9.1, clarkeA: 88.2 } for a CGM. */
  accuracy?: Record<string, number>;
  /** Per-kind clinical figures, e.g. time in range for a CGM's patient, dose error for a pump. */
  clinical?: Record<string, number>;
}

export interface AlarmRecord {
  id: number;
  t: number;
  device: string;
  code: string;
  priority: string;
  message: string;
  suppressed?: boolean;
  /** For a limit alarm: the parameter it watches (`spo2`, `linePressure`) and the limit it crossed. */
  parameter?: string;
  limit?: number;
}

export interface AlarmSummary {
  total: number;
  byPriority: Record<string, number>;
  byCode: Record<string, number>;
  /** The first alarms raised, in order (bounded, for reports). */
  first: AlarmRecord[];
}

export interface TwinResult {
  /** Devices stale at the end of the run. */
  stale: string[];
  /** Devices diverged at the end of the run. */
  diverged: string[];
  staleEvents: number;
  divergedEvents: number;
}

export interface InjectionRecord {
  /** Event id of the `fault.injected` event. */
  eventId: number;
  id: string;
  fault: string;
  category: string;
  device: string;
  /** Set when the fault acted on the device's link, its zone, the site or the twin rather than the device itself. */
  target?: { kind: string; id: string };
  at: number;
  /** When it reverted, or null if it lasted to the end. */
  until: number | null;
  params: Record<string, unknown>;
}

export interface ExpectationResult {
  name: string;
  type: string;
  passed: boolean;
  /** What was measured (a latency in ms, a MARD in %, a count), null if nothing could be measured. */
  measured: number | string | null;
  /** The bound it was judged against, as text (e.g. "<= 300000 ms", ">= 1"). */
  threshold: string;
  /** A sentence for humans: why it passed or failed. */
  message: string;
  /** Ids of the events that decided it (from the event log). */
  evidence: number[];
  /**
   * Live verdicts only (the TUI's panel): it cannot be decided yet — its fault is still to come, a
   * detection window is still open, or a metric is still under its minimum. Never set on a finished
   * run's result.
   */
  pending?: boolean;
  /** Further named figures, e.g. a detection's { sensitivity, latencyP50Ms, latencyMaxMs }; studies report their distributions. */
  figures?: Record<string, number>;
}

export interface SeriesSet {
  device: string;
  signal: string;
  unit: string;
  /** [t ms, measured or null, truth or null] */
  points: [number, number | null, number | null][];
  /** Fault windows on this device, for shading. */
  faults: { fault: string; from: number; to: number | null }[];
}

export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** A scenario run under many seeds (`medtwin run --seeds 1..100`): a Monte Carlo study. */
export interface StudyResult {
  scenario: RunResult['scenario'];
  seeds: string[];
  /** Fraction of seeds whose run was ok. */
  passRate: number;
  ok: boolean;
  wallMs: number;
  /**
   * Set when a signal (SIGINT, SIGTERM) stopped the study early: `seeds`, `runs` and every figure cover
   * the seeds that finished, of `planned`; the seed that was running is left out; `ok` is false.
   */
  interrupted?: { signal: string; planned: number };
  runs: { seed: string; ok: boolean; digest: string; wallMs: number; failed: string[] }[];
  expectations: {
    name: string;
    type: string;
    passRate: number;
    /** The bound, as the first seed's verdict stated it ("<= 300000 ms"). */
    threshold?: string;
    /** Distribution of the measured value over seeds where it was numeric. */
    measured: Distribution | null;
    /** The measured value of each seed, in seed order (null where it was not numeric): for distribution plots. */
    values?: (number | null)[];
    /** Distributions of the expectation's named figures (e.g. detection latency) over seeds. */
    figures?: Record<string, Distribution>;
  }[];
  /** One command per failing seed that replays it. */
  replay: string[];
}
