import { z } from 'zod';
import type { ToxicType } from '../../net/proxy/toxics/index.ts';
import type { FaultDefinition } from '../fault.ts';
import type { NetworkSurface, TargetKind, TwinSurface } from '../target.ts';

/** The Toxiproxy fields every byte-level network fault takes besides its own. */
export const TOXIC_COMMON = {
  direction: z
    .enum(['upstream', 'downstream', 'both'])
    .default('both')
    .describe('which way it acts: upstream (devices → broker), downstream (broker → devices) or both'),
  toxicity: z.number().min(0).max(1).default(1).describe('fraction of connections it affects, drawn per connection (seeded)'),
};

/**
 * Zones, links and the twin's link, a zone preferred: a scenario names `target: { zone: ... }`,
 * `{ scope: link, device: ... }` or `{ scope: twin }` (the central station's connection).
 */
export const NETWORK_TARGETS: readonly TargetKind[] = ['zone', 'link', 'twin'];

/**
 * Zones and links only: for faults whose outcome depends on the order packets come in on a
 * connection. A device's connection carries its own packets in the order it sent them; the twin's
 * carries every device's, in an order socket timing decides (docs/network.md#fast-mode).
 */
export const DEVICE_LINK_TARGETS: readonly TargetKind[] = ['zone', 'link'];

/**
 * A network fault that is one fault-proxy toxic on a zone's or a device's link (docs/network.md):
 * its params are the toxic's own plus `direction` and `toxicity`; `extra` are params the fault fixes
 * (the MQTT faults' `action`).
 */
export function toxicFault<TParams extends z.ZodObject>(spec: {
  name: string;
  summary: string;
  toxic: ToxicType;
  params: TParams;
  extra?: Record<string, unknown>;
  /** Where it may act; default NETWORK_TARGETS. */
  targets?: readonly TargetKind[];
}): FaultDefinition<TParams, NetworkSurface | TwinSurface> {
  return {
    name: spec.name,
    category: 'network',
    summary: spec.summary,
    params: spec.params,
    targets: spec.targets ?? NETWORK_TARGETS,
    incompatibility: () => undefined,
    apply(target, params) {
      const { direction, toxicity, ...own } = params as Record<string, unknown> & {
        direction: 'upstream' | 'downstream' | 'both';
        toxicity: number;
      };
      return target.addToxic({ type: spec.toxic, direction, toxicity, params: { ...own, ...spec.extra } });
    },
  };
}
