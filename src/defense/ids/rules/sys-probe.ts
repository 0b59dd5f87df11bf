import { defineRule } from '../rule.ts';

/**
 * A `$SYS` subscription by anyone but the security role. `$SYS/#` lists every connected client id,
 * subscription count and broker version: the map an attacker needs to pick a victim's client id for a
 * takeover (MQTTSA's first check; ATT&CK for ICS T0888 Remote System Information Discovery, T0846
 * Remote System Discovery). No device, twin or clinical console ever reads it.
 */
export const sysProbe = defineRule({
  name: 'sys-probe',
  summary: 'a client without the security role reads the broker’s $SYS topics',
  rationale:
    'Only the security role reads $SYS (docs/security.md); anyone else doing so is enumerating the broker and its clients ' +
    '(ATT&CK for ICS T0888 Remote System Information Discovery, T0846 Remote System Discovery).',
  severity: 'medium',
  techniques: ['T0888', 'T0846'],
  create(ctx) {
    return {
      observe(o) {
        // `#` does not match $SYS topics [MQTT-4.7.2-1]: only an explicit $SYS filter probes the broker.
        if (o.kind !== 'subscribe' || !o.filter.startsWith('$SYS')) return [];
        const who = ctx.subjectOf(o);
        if (who.type === 'console' && who.permissions.includes('sys')) return [];
        const verb = o.granted ? 'subscribed to' : 'tried to subscribe to';
        return [{ summary: `${who.type} ${who.clientId} ${verb} ${o.filter}`, evidence: [o.id], clientId: who.clientId }];
      },
    };
  },
});
