import type { AdversaryAction } from '../adversary/adversary.ts';
import { clientOf, type ObservedEvent } from '../ids/observation.ts';

/** What one attack's adversary knows of its own traffic: the ground truth its packets are labelled by. */
export interface GroundTruth {
  attack: string;
  /** The CICIoMT2024 or MQTTset class of the attack, when one fits (the dataset's `attackClass`; `other` without). */
  attackClass?: string;
  techniques: readonly string[];
  actions: readonly AdversaryAction[];
}

/** MQTT control packet types (MQTT 3.1.1 §2.2.1), the numbers MQTTset's `mqtt.msgtype` uses. */
const MSG_TYPE = { CONNECT: 1, PUBLISH: 3, SUBSCRIBE: 8, DISCONNECT: 14 } as const;

/** One line of the labelled dataset: one observation of the broker's traffic (docs/dataset.md). */
export interface DatasetRecord {
  /** The observation's id: the same number IDS alerts cite as evidence. */
  id: number;
  /** Simulation time, ms. */
  t: number;
  event: ObservedEvent['kind'];
  /** MQTT control packet type; 1 for a refused CONNECT and for a lockout (what caused it). */
  msgType: number;
  clientId: string;
  /** The identity the broker authenticated, or null (open broker, or refused). */
  identity: string | null;
  topic: string | null;
  topicLength: number | null;
  qos: number | null;
  retain: boolean | null;
  /** Payload bytes of a PUBLISH. */
  payloadLength: number | null;
  /** Whether the broker let it through: CONNECT accepted, SUBSCRIBE granted, PUBLISH delivered. */
  accepted: boolean;
  /** The broker's reason for a refused CONNECT. */
  reason: string | null;
  takeover: boolean | null;
  /** Features over the client's own recent traffic, as flow-based IDS datasets compute them. */
  interArrivalMs: number | null;
  clientCount10s: number;
  /** Ground truth: `benign`, or the attack whose adversary sent it. */
  label: string;
  attackClass: string;
  techniques: readonly string[];
}

/** The columns of the CSV form, in order. */
export const DATASET_COLUMNS: readonly (keyof DatasetRecord)[] = [
  'id',
  't',
  'event',
  'msgType',
  'clientId',
  'identity',
  'topic',
  'topicLength',
  'qos',
  'retain',
  'payloadLength',
  'accepted',
  'reason',
  'takeover',
  'interArrivalMs',
  'clientCount10s',
  'label',
  'attackClass',
  'techniques',
];

const WINDOW_MS = 10_000;

/**
 * Turns the IDS's observation stream (already in canonical order, numbered) into labelled records. An
 * observation is the attacker's when it came over one of its connections (matched by the
 * connection's port, which a client id cannot fake — a takeover shares the victim's id), or, for
 * what has no connection (a refused CONNECT, a lockout), when the adversary recorded that refusal.
 * Pure: the same observations and truth give the same records.
 */
export function datasetRecords(observations: readonly ObservedEvent[], truths: readonly GroundTruth[]): DatasetRecord[] {
  const history = new Map<string, number[]>();
  return observations.map((o) => {
    const client = clientOf(o);
    const times = history.get(client) ?? [];
    const previous = times.at(-1);
    times.push(o.t);
    while (times.length > 0 && times[0]! <= o.t - WINDOW_MS) times.shift();
    history.set(client, times);
    const truth = truths.find((g) => isTheirs(o, g));
    return {
      id: o.id,
      t: o.t,
      event: o.kind,
      msgType:
        o.kind === 'publish'
          ? MSG_TYPE.PUBLISH
          : o.kind === 'subscribe'
            ? MSG_TYPE.SUBSCRIBE
            : o.kind === 'disconnect'
              ? MSG_TYPE.DISCONNECT
              : MSG_TYPE.CONNECT,
      clientId: client,
      identity: 'authenticatedAs' in o && o.authenticatedAs !== undefined ? o.authenticatedAs : null,
      topic: o.kind === 'publish' ? o.topic : o.kind === 'subscribe' ? o.filter : null,
      topicLength: o.kind === 'publish' ? Buffer.byteLength(o.topic) : o.kind === 'subscribe' ? Buffer.byteLength(o.filter) : null,
      qos: o.kind === 'publish' || o.kind === 'subscribe' ? o.qos : null,
      retain: o.kind === 'publish' ? o.retain : null,
      payloadLength: o.kind === 'publish' ? o.size : null,
      accepted: o.kind === 'publish' ? o.delivered : o.kind === 'subscribe' ? o.granted : o.kind === 'connect' || o.kind === 'disconnect',
      reason: o.kind === 'connect.refused' || o.kind === 'protocol.error' ? o.reason : null,
      takeover: o.kind === 'connect' ? o.takeover : null,
      interArrivalMs: previous === undefined ? null : o.t - previous,
      clientCount10s: times.length,
      label: truth?.attack ?? 'benign',
      attackClass: truth === undefined ? 'benign' : (truth.attackClass ?? 'other'),
      techniques: truth?.techniques ?? [],
    };
  });
}

function isTheirs(o: ObservedEvent, truth: GroundTruth): boolean {
  // The broker never learnt a client id: the connection's port is the attacker's or not.
  if (o.kind === 'protocol.error') return o.port !== undefined && truth.actions.some((a) => a.port === o.port);
  if (o.port !== undefined) return truth.actions.some((a) => a.port === o.port && a.clientId === clientOf(o));
  if (o.kind === 'connect.refused')
    return truth.actions.some((a) => a.action === 'connect' && a.outcome === 'refused' && a.clientId === o.clientId && a.t === o.t);
  if (o.kind === 'lockout')
    return truth.actions.some((a) => a.action === 'connect' && a.outcome === 'refused' && a.clientId === o.username && a.t === o.t);
  return false;
}

/** The records as JSON Lines, one object per line, keys in DATASET_COLUMNS order. */
export function datasetJsonl(records: readonly DatasetRecord[]): string {
  return records.map((r) => `${JSON.stringify(Object.fromEntries(DATASET_COLUMNS.map((c) => [c, r[c]])))}\n`).join('');
}

/** The records as CSV (RFC 4180) with a header row; techniques joined by `;`, null as an empty field. */
export function datasetCsv(records: readonly DatasetRecord[]): string {
  const rows = [DATASET_COLUMNS.join(',')];
  for (const r of records) rows.push(DATASET_COLUMNS.map((c) => csvField(r[c])).join(','));
  return `${rows.join('\r\n')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.join(';') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
