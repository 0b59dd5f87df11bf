import { encodeEnvelope } from '../../src/net/envelope.ts';
import { IdsContext, type IdsFleet } from '../../src/defense/ids/context.ts';
import { IdsDetector } from '../../src/defense/ids/detector.ts';
import type { Observation, PublishObservation, SubscribeObservation } from '../../src/defense/ids/observation.ts';
import type { RuleName } from '../../src/defense/ids/registry.ts';
import type { IdsThresholds } from '../../src/defense/ids/thresholds.ts';

/** Two ICU pumps, a monitor and a CGM in the ICU, one pump on ward A (as test/helpers/secure-broker.ts). */
export const IDS_FLEET: IdsFleet = {
  site: 'general-hospital',
  devices: [
    { id: 'pump-001', kind: 'infusion-pump', zone: 'icu', firmware: '3.2.1' },
    { id: 'pump-002', kind: 'infusion-pump', zone: 'icu' },
    { id: 'monitor-001', kind: 'patient-monitor', zone: 'icu' },
    { id: 'cgm-001', kind: 'cgm', zone: 'icu' },
    { id: 'pump-003', kind: 'infusion-pump', zone: 'ward-a' },
  ],
};

const KINDS: Record<string, [string, string]> = {
  'pump-001': ['icu', 'infusion-pump'],
  'pump-002': ['icu', 'infusion-pump'],
  'monitor-001': ['icu', 'patient-monitor'],
  'cgm-001': ['icu', 'cgm'],
  'pump-003': ['ward-a', 'infusion-pump'],
};

export const topic = (deviceId: string, channel: string): string => {
  const [zone, kind] = KINDS[deviceId]!;
  return `medtwin/general-hospital/${zone}/${kind}/${deviceId}/${channel}`;
};

export function envelope(device: string, body: unknown, seq = 1, t = 0): string {
  return encodeEnvelope({ v: 1, device, kind: KINDS[device]?.[1] ?? 'console', seq, t, body });
}

export function publish(
  t: number,
  clientId: string,
  topicName: string,
  payload: string,
  extra: Partial<PublishObservation> = {},
): PublishObservation {
  return {
    kind: 'publish',
    t,
    clientId,
    topic: topicName,
    qos: 1,
    retain: false,
    size: Buffer.byteLength(payload),
    payload,
    delivered: true,
    ...extra,
  };
}

export function subscribe(t: number, clientId: string, filter: string, extra: Partial<SubscribeObservation> = {}): SubscribeObservation {
  return { kind: 'subscribe', t, clientId, filter, qos: 1, granted: true, ...extra };
}

/** Runs one rule (alone) over `observations`, one batch per instant, and returns its alerts' data. */
export function runRule(rule: RuleName, observations: readonly Observation[], thresholds: Partial<IdsThresholds> = {}) {
  const detector = new IdsDetector(new IdsContext(IDS_FLEET, thresholds), [rule]);
  const byT = new Map<number, Observation[]>();
  for (const o of observations) byT.set(o.t, [...(byT.get(o.t) ?? []), o]);
  return [...byT.keys()]
    .sort((a, b) => a - b)
    .flatMap((t) => detector.observe(byT.get(t)!))
    .map((alert) => ({ t: alert.t, ...alert.data }));
}
