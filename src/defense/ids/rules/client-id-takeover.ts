import { defineRule } from '../rule.ts';

/**
 * A connection that reused the client id of a session still open, so the broker closed that session
 * [MQTT-3.1.4-2]. A device reconnecting after a network fault opens a new session after its old one
 * died; a live session being kicked is someone else using its id — to receive its commands, or, over
 * and over, to keep it off the network (issue 17: five kicks of the twin lost 60 of 383 messages).
 * ATT&CK for ICS T0849 Masquerading, T0814 Denial of Service.
 */
export const clientIdTakeover = defineRule({
  name: 'client-id-takeover',
  summary: 'a new connection takes over a client id whose session was still open',
  rationale:
    'MQTT closes the existing session when a second client connects with its id [MQTT-3.1.4-2]; a healthy fleet never does ' +
    'this, so each takeover is impersonation or a kick-off (ATT&CK for ICS T0849 Masquerading, T0814 Denial of Service).',
  severity: 'high',
  techniques: ['T0849', 'T0814'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'connect' || !o.takeover) return [];
        const who = ctx.subjectOf(o);
        const device = who.type === 'device' ? who.deviceId : undefined;
        return [
          {
            summary: `a new connection took over the open session of ${who.type === 'unknown' ? 'client' : who.type} ${o.clientId}`,
            evidence: [o.id],
            clientId: o.clientId,
            ...(device === undefined ? {} : { device }),
          },
        ];
      },
    };
  },
});
