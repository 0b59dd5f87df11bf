import { defineRule } from '../rule.ts';

/**
 * A subscription that would read other devices' traffic, by something with no business reading it: a
 * device (which only ever needs its own command topic), or a client the fleet does not know. `#`,
 * `medtwin/<site>/#` and `+` filters are how MQTT eavesdropping starts (topic discovery, the first step of
 * reconnaissance; MQTTSA's first checks are whether `#` is readable). A console reaching outside its
 * zone counts too. Raised whether or not the broker granted it:
 * under an ACL the attempt itself is the signal.
 */
export const eavesdropSubscribe = defineRule({
  name: 'eavesdrop-subscribe',
  summary: 'a device or unknown client subscribes to topics beyond its own',
  rationale:
    'Devices subscribe only to their own command topic (docs/topics.md); any wildcard or foreign filter from a device identity, ' +
    'or a site-wide filter from an unknown client, is topic discovery or eavesdropping on patient data (ATT&CK for ICS T0842 ' +
    'Network Sniffing, T0861 Point & Tag Identification).',
  severity: 'high',
  techniques: ['T0842', 'T0861'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'subscribe' || o.filter.startsWith('$')) return [];
        const who = ctx.subjectOf(o);
        const verb = o.granted ? 'subscribed to' : 'tried to subscribe to';
        switch (who.type) {
          case 'twin':
            return [];
          case 'console':
            if (who.zone === undefined || zoneOf(o.filter, ctx.site) === who.zone) return [];
            return [
              {
                summary: `console ${who.clientId} of zone ${who.zone} ${verb} ${o.filter}`,
                evidence: [o.id],
                clientId: who.clientId,
                severity: 'medium',
              },
            ];
          case 'device': {
            const own = `medtwin/${ctx.site}/${who.zone}/${who.kind}/${who.deviceId}/cmd`;
            if (o.filter === own) return [];
            return [
              { summary: `device ${who.deviceId} ${verb} ${o.filter}`, evidence: [o.id], clientId: who.clientId, device: who.deviceId },
            ];
          }
          case 'unknown':
            return [{ summary: `unknown client ${who.clientId} ${verb} ${o.filter}`, evidence: [o.id], clientId: who.clientId }];
        }
      },
    };
  },
});

/** The zone a filter is confined to, or undefined when it spans zones (`#`, `medtwin/site/+/...`). */
function zoneOf(filter: string, site: string): string | undefined {
  const levels = filter.split('/');
  if (levels[0] !== 'medtwin' || levels[1] !== site) return undefined;
  const zone = levels[2];
  return zone === undefined || zone === '+' || zone === '#' ? undefined : zone;
}
