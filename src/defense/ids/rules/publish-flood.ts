import { envelopeOf } from '../payload.ts';
import { defineRule, SlidingWindow } from '../rule.ts';

/**
 * One client publishing far faster than any device kind does: a publish flood (CICIoMT2024's and
 * MQTTset's DoS class; ATT&CK for ICS T0814 Denial of Service, T0815 Denial of View when it drowns
 * the twin). Counted per client id in simulated time. A device's backfill on its own topics — what
 * it kept through an outage, sent at once on its return (docs/network.md) — is not counted: a monitor
 * back from a 5-minute outage sends 300 readings in a burst.
 */
export const publishFlood = defineRule({
  name: 'publish-flood',
  summary: 'one client publishes faster than any device',
  rationale:
    'The busiest device samples once a second; thresholds.publishFlood publishes within its window from one client is a flood ' +
    '(CICIoMT2024 / MQTTset DoS; ATT&CK for ICS T0814 Denial of Service, T0815 Denial of View).',
  severity: 'high',
  techniques: ['T0814', 'T0815'],
  create(ctx) {
    const { count, windowMs } = ctx.thresholds.publishFlood;
    const windows = new Map<string, SlidingWindow>();
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const subject = ctx.subjectOf(o);
        if (subject.type === 'device' && ctx.deviceTopic(o.topic)?.deviceId === subject.deviceId && envelopeOf(o)?.backfill === true)
          return [];
        let window = windows.get(o.clientId);
        if (window === undefined) windows.set(o.clientId, (window = new SlidingWindow(windowMs)));
        const n = window.add(o.t, o.id);
        if (n <= count) return [];
        return [
          { summary: `${o.clientId} published ${n} messages within ${windowMs / 1000} s`, evidence: window.ids(), clientId: o.clientId },
        ];
      },
    };
  },
});
