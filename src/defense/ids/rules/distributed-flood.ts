import { defineRule, SlidingWindow } from '../rule.ts';

/**
 * Many clients flooding at once, each below the single-client flood threshold: a DDoS from a
 * compromised fleet (Mirai-style botnets of IoT devices; CICIoMT2024's MQTT DDoS publish-flood class;
 * ATT&CK for ICS T0814 Denial of Service). Counts, per client, publishes to topics that are not its
 * own device's — a device's telemetry, alarms and backfill after an outage never count, however
 * bursty — and alerts once `sources` clients each exceed `perClient` within the window.
 */
export const distributedFlood = defineRule({
  name: 'distributed-flood',
  summary: 'several clients at once publish far faster than any device, to topics not their own',
  rationale:
    'No device publishes outside its own topics, and none faster than its sampling rate; thresholds.distributedFlood.sources ' +
    'clients each past perClient such publishes within the window is a distributed flood (CICIoMT2024 MQTT DDoS; ATT&CK for ICS T0814).',
  severity: 'high',
  techniques: ['T0814', 'T0815'],
  create(ctx) {
    const { perClient, sources, windowMs } = ctx.thresholds.distributedFlood;
    const windows = new Map<string, SlidingWindow>();
    /** Clients past perClient, with the time they last were. */
    const hot = new Map<string, number>();
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const subject = ctx.subjectOf(o);
        const target = ctx.deviceTopic(o.topic);
        if (subject.type === 'device' && target?.deviceId === subject.deviceId) return [];
        // The twin and the consoles command many devices; that is their job, not a flood.
        if (subject.type === 'twin' || subject.type === 'console') return [];
        let window = windows.get(o.clientId);
        if (window === undefined) windows.set(o.clientId, (window = new SlidingWindow(windowMs)));
        if (window.add(o.t, o.id) > perClient) hot.set(o.clientId, o.t);
        for (const [client, t] of hot) if (t <= o.t - windowMs) hot.delete(client);
        if (hot.size < sources) return [];
        const evidence = [...hot.keys()].sort().flatMap((client) => windows.get(client)!.ids(4));
        return [
          {
            summary: `${hot.size} clients each published over ${perClient} messages within ${windowMs / 1000} s (${[...hot.keys()].sort().slice(0, 3).join(', ')}…)`,
            evidence: evidence.sort((a, b) => a - b),
            clientId: '(site)',
          },
        ];
      },
    };
  },
});
