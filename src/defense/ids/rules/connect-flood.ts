import { defineRule, SlidingWindow } from '../rule.ts';

/**
 * Many connection attempts by client ids the fleet does not know: a connect flood or a scan for open
 * access (CICIoMT2024's connect-flood DoS class; ATT&CK for ICS T0814 Denial of Service, T0846 Remote
 * System Discovery). The fleet's own connections — thousands at once when a ward boots — never count.
 */
export const connectFlood = defineRule({
  name: 'connect-flood',
  summary: 'a burst of connections from client ids the fleet does not know',
  rationale:
    'A fleet connects with the client ids its identities name; thresholds.connectFlood attempts from others within its window ' +
    'is a flood or a scan (CICIoMT2024 connect flood; ATT&CK for ICS T0814 Denial of Service, T0846 Remote System Discovery).',
  severity: 'high',
  techniques: ['T0814', 'T0846'],
  create(ctx) {
    const { count, windowMs } = ctx.thresholds.connectFlood;
    const window = new SlidingWindow(windowMs);
    return {
      observe(o) {
        if ((o.kind !== 'connect' && o.kind !== 'connect.refused') || ctx.isKnownClient(o.clientId)) return [];
        const n = window.add(o.t, o.id);
        if (n <= count) return [];
        return [
          {
            summary: `${n} connection attempts by unknown client ids within ${windowMs / 1000} s`,
            evidence: window.ids(),
            clientId: '(site)',
          },
        ];
      },
    };
  },
});
