import type { LoggedEvent } from '../../../core/event-log.ts';
import { num, str } from '../event-data.ts';
import { DeviceTally } from './device-tally.ts';

/**
 * A tally per device, fed from the log. Several consumers may hand it the same batch (every metric judge
 * forwards its batches): events already counted are skipped by id, so each is counted once.
 */
export class TallyBook {
  #tallies = new Map<string, DeviceTally>();
  #lastId = 0;
  #lastT = 0;
  #finishedAt: number | undefined;

  constructor(devices: readonly { id: string; kind: string }[]) {
    for (const d of devices) this.#tallies.set(d.id, new DeviceTally(d.id, d.kind));
  }

  feed(batch: readonly LoggedEvent[]): void {
    for (const event of batch) {
      if (event.id <= this.#lastId) continue;
      this.#lastId = event.id;
      this.#lastT = event.t;
      const own = this.#tallies.get(event.source);
      if (own) own.onEvent(event);
      else if (event.source === 'twin') this.#tallies.get(str(event.data.device) ?? '')?.onEvent(event);
      else if (event.source === 'runner' && event.type === 'run.finished') this.#finishedAt = num(event.data.simulatedMs) ?? event.t;
    }
  }

  get(deviceId: string): DeviceTally | undefined {
    return this.#tallies.get(deviceId);
  }

  values(): IterableIterator<DeviceTally> {
    return this.#tallies.values();
  }

  /** End of the run as the log knows it: `run.finished`, else the last event's time. */
  get endMs(): number {
    return this.#finishedAt ?? this.#lastT;
  }
}
