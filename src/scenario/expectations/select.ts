import type { Rng } from '../../core/rng.ts';
import type { PlannedDevice } from '../../fleet/fleet-spec.ts';
import type { Selector } from '../schema.ts';

/**
 * The planned devices an expectation's `target` selects, in fleet order. Filters as the timeline's
 * selector does (device ids, kind, zone, tag; all must match); `count`/`fraction` sample with `rng`
 * (rounding a fraction to at least one device). No selector selects every device.
 */
export function selectDevices(selector: Selector | undefined, devices: readonly PlannedDevice[], rng: Rng): PlannedDevice[] {
  if (selector === undefined) return devices.slice();
  const ids = selector.device === undefined ? undefined : new Set(Array.isArray(selector.device) ? selector.device : [selector.device]);
  const matched = devices.filter(
    (d) =>
      (ids === undefined || ids.has(d.id)) &&
      (selector.kind === undefined || d.kind === selector.kind) &&
      (selector.zone === undefined || d.zone === selector.zone) &&
      (selector.tag === undefined || d.tags.includes(selector.tag)),
  );
  const n = matched.length;
  const k =
    selector.count !== undefined
      ? Math.min(selector.count, n)
      : selector.fraction !== undefined && n > 0
        ? Math.min(n, Math.max(1, Math.round(selector.fraction * n)))
        : n;
  if (k === n) return matched;
  const chosen = new Set(rng.sample(matched, k));
  return matched.filter((d) => chosen.has(d));
}

/** The selector as a short phrase for messages: `kind cgm in zone icu`, `every device`. */
export function describeSelector(selector: Selector | undefined): string {
  if (selector === undefined) return 'every device';
  const parts: string[] = [];
  if (selector.device !== undefined) parts.push(Array.isArray(selector.device) ? selector.device.join(', ') : selector.device);
  if (selector.kind !== undefined) parts.push(`kind ${selector.kind}`);
  if (selector.zone !== undefined) parts.push(`zone ${selector.zone}`);
  if (selector.tag !== undefined) parts.push(`tag ${selector.tag}`);
  if (selector.count !== undefined) parts.unshift(`${selector.count} of`);
  if (selector.fraction !== undefined) parts.unshift(`${selector.fraction * 100}% of`);
  return parts.length > 0 ? parts.join(' ') : 'every device';
}
