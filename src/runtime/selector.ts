import { InputError, nearestName } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { FaultSurface } from '../fleet/fault-surface.ts';
import type { Selector } from '../scenario/schema.ts';

/** A device a selector can pick: what faults act on, plus the zone's tags when the device carries them. */
export interface SelectableDevice extends FaultSurface {
  readonly tags?: readonly string[];
}

/** Where tags come from when the devices do not carry them (the fleet plan's zone tags). */
export type TagLookup = (deviceId: string) => readonly string[] | undefined;

/** True when the selector names no device, kind, zone, tag, count or fraction (it matches everything). */
export function isEmptySelector(selector: Selector): boolean {
  return Object.values(selector).every((v) => v === undefined);
}

/**
 * The devices that match every filter the selector gives (device id or ids, kind, zone, tag), in
 * fleet order. A device id the fleet lacks is an InputError with the nearest real id.
 */
export function matchDevices<T extends SelectableDevice>(
  selector: Selector,
  devices: readonly T[],
  options: { tagsOf?: TagLookup; where?: string } = {},
): T[] {
  const where = options.where ?? 'target';
  const ids = selector.device === undefined ? undefined : Array.isArray(selector.device) ? selector.device : [selector.device];
  if (ids !== undefined) {
    const known = new Set(devices.map((d) => d.deviceId));
    for (const id of ids) {
      if (known.has(id)) continue;
      const hint = nearestName(id, [...known]);
      throw new InputError(
        'E_UNKNOWN_DEVICE',
        `${where}.device: no device "${id}" in the fleet${hint ? ` — did you mean "${hint}"?` : ''}`,
      );
    }
  }
  const wanted = ids === undefined ? undefined : new Set(ids);
  return devices.filter(
    (d) =>
      (wanted === undefined || wanted.has(d.deviceId)) &&
      (selector.kind === undefined || d.kind === selector.kind) &&
      (selector.zone === undefined || d.zone === selector.zone) &&
      (selector.tag === undefined || tagsOf(d, options.tagsOf).includes(selector.tag)),
  );
}

/** How many of `n` matching devices a selector's `count` or `fraction` asks for (all when neither is given). */
export function pickCount(selector: Selector, n: number): number {
  if (n === 0) return 0;
  if (selector.count !== undefined) return Math.min(selector.count, n);
  // "At least one" (schema): a fraction never rounds a non-empty match down to nothing.
  if (selector.fraction !== undefined) return Math.min(n, Math.max(1, Math.round(selector.fraction * n)));
  return n;
}

/**
 * Applies `count`/`fraction`: samples that many of `matched` with `rng` and returns them in fleet order.
 * Without either, returns every match and draws nothing, so the stream is only used when it matters.
 */
export function pickDevices<T>(selector: Selector, matched: readonly T[], rng: Rng): T[] {
  const k = pickCount(selector, matched.length);
  if (k === matched.length) return matched.slice();
  const chosen = new Set(rng.sample(matched, k));
  return matched.filter((d) => chosen.has(d));
}

function tagsOf(device: SelectableDevice, lookup: TagLookup | undefined): readonly string[] {
  return device.tags ?? lookup?.(device.deviceId) ?? [];
}
