import type { LoggedEvent } from '../../core/event-log.ts';

/** One launch of an attack, as its ground truth in the event log tells it (src/runtime/run-attacks.ts). */
export interface AttackLaunchRecord {
  /** The `attack.launched` event's id (evidence). */
  eventId: number;
  id: string;
  attack: string;
  device: string;
  at: number;
  /** Connections the broker accepted and refused. */
  accepted: number;
  refused: number;
  /** Subscriptions the broker granted (what the attacker could read). */
  granted: string[];
  /** Devices whose messages reached the attacker (from `attack.ended`), undefined until it ended. */
  exposed?: string[];
  endedAt?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 1);

/**
 * Follows the `attack.*` events of the launches an expectation is about: `of` is a timeline entry id
 * (`forged-pause`) or an attack name (`attack.forged-pause`, every launch of it).
 */
export class AttackLaunches {
  readonly #of: string;
  readonly #byId = new Map<string, AttackLaunchRecord[]>();
  /**
   * Actions not yet attributed: in canonical order a launch's connections and publishes sort before its
   * `attack.launched` at the same instant, so an action waits until it is known whether a launch follows.
   */
  #pending: LoggedEvent[] = [];

  constructor(of: string) {
    this.#of = of;
  }

  /** Every launch, in time order (pending actions attributed). */
  get all(): AttackLaunchRecord[] {
    this.#flush(Number.POSITIVE_INFINITY);
    return [...this.#byId.values()].flat().sort((a, b) => a.at - b.at || a.eventId - b.eventId);
  }

  onEvent(event: LoggedEvent): void {
    if (event.source !== 'adversary' || !event.type.startsWith('attack.')) return;
    const id = str(event.data.id);
    const attack = str(event.data.attack);
    if (id === undefined || attack === undefined || (id !== this.#of && attack !== this.#of)) return;
    this.#flush(event.t);
    if (event.type !== 'attack.launched') {
      this.#pending.push(event);
      return;
    }
    const record: AttackLaunchRecord = {
      eventId: event.id,
      id,
      attack,
      device: str(event.data.device) ?? '',
      at: event.t,
      accepted: 0,
      refused: 0,
      granted: [],
    };
    const list = this.#byId.get(id) ?? [];
    list.push(record);
    this.#byId.set(id, list);
    this.#pending = this.#pending.filter((p) => {
      if (str(p.data.id) !== id || p.t !== event.t) return true;
      this.#apply(record, p);
      return false;
    });
  }

  /** Actions before `t` no launch followed: they belong to their injection's latest launch. */
  #flush(t: number): void {
    this.#pending = this.#pending.filter((p) => {
      if (p.t >= t) return true;
      const record = this.#byId.get(str(p.data.id) ?? '')?.at(-1);
      if (record !== undefined) this.#apply(record, p);
      return false;
    });
  }

  #apply(record: AttackLaunchRecord, event: LoggedEvent): void {
    if (event.type === 'attack.connect') {
      if (event.data.outcome === 'accepted') record.accepted += count(event.data.count);
      else record.refused += count(event.data.count);
    } else if (event.type === 'attack.subscribe' && event.data.outcome === 'granted') {
      record.granted.push(str(event.data.filter) ?? '');
    } else if (event.type === 'attack.ended') {
      record.exposed = Array.isArray(event.data.exposed) ? event.data.exposed.filter((d): d is string => typeof d === 'string') : [];
      record.endedAt = event.t;
    }
  }
}
