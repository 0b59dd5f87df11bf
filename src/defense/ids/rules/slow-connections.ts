import { defineRule } from '../rule.ts';

/**
 * SlowITe-style slot holding: many sessions open at once that asked for a keep-alive far beyond any
 * device's and have said nothing since (no publish, no subscribe). A device connects to publish; a
 * session that only holds its slot is there to deny it to others (MQTTset "slowite"; Vaccari et al.
 * 2020; ATT&CK for ICS T0814 Denial of Service).
 */
export const slowConnections = defineRule({
  name: 'slow-connections',
  summary: 'many open sessions that asked for a very long keep-alive and have sent nothing since',
  rationale:
    'The fleet asks for keep-alives of a minute and publishes at once; thresholds.slowConnections.count sessions open together ' +
    'that asked for more than keepaliveS and have sent nothing are holding the broker’s connection slots (SlowITe, Vaccari et ' +
    'al. 2020; MQTTset "slowite"; ATT&CK for ICS T0814 Denial of Service).',
  severity: 'high',
  techniques: ['T0814', 'T0815'],
  create(ctx) {
    const { count, keepaliveS } = ctx.thresholds.slowConnections;
    /** Idle long-keep-alive sessions by client id, with the id of their connect observation. */
    const idle = new Map<string, number>();
    return {
      observe(o) {
        if (o.kind === 'disconnect' || o.kind === 'publish' || o.kind === 'subscribe') {
          idle.delete(o.clientId);
          return [];
        }
        if (o.kind !== 'connect') return [];
        // keep-alive 0 is "never": as long as any.
        const asked = o.keepalive === 0 ? Number.POSITIVE_INFINITY : (o.keepalive ?? 0);
        if (asked <= keepaliveS) {
          idle.delete(o.clientId);
          return [];
        }
        idle.set(o.clientId, o.id);
        if (idle.size < count) return [];
        return [
          {
            summary: `${idle.size} idle sessions holding broker slots with keep-alives over ${keepaliveS} s`,
            evidence: [...idle.values()].slice(-20),
            clientId: '(site)',
          },
        ];
      },
    };
  },
});
