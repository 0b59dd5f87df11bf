import { DEVICE_PUBLISH_CHANNELS } from '../../../net/security/acl.ts';
import { defineRule } from '../rule.ts';

/**
 * A publish on a device topic by someone that topic does not belong to: another device, an unknown
 * client, a console writing telemetry. That is how false readings get in — a false low glucose that
 * makes a clinician treat a hypo that is not there, a normal SpO2 over a real desaturation (ATT&CK for
 * ICS T0856 Spoof Reporting Message, T0832 Manipulation of View). Commands are `unauthorized-command`'s.
 */
export const unexpectedTopic = defineRule({
  name: 'unexpected-topic',
  summary: 'a publish on a device topic by an identity it does not belong to',
  rationale:
    'A device publishes only its own telemetry, alarm, state, status, event, backfill and ack channels; the twin only commands ' +
    'and shadows; consoles only commands and firmware (src/net/security/acl.ts). Anything else on a device topic is spoofing ' +
    '(ATT&CK for ICS T0856 Spoof Reporting Message, T0832 Manipulation of View).',
  severity: 'high',
  techniques: ['T0856', 'T0832'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const target = ctx.deviceTopic(o.topic);
        if (target === undefined || target.channel === 'cmd') return [];
        const who = ctx.subjectOf(o);
        if (who.type === 'device' && who.deviceId === target.deviceId && DEVICE_PUBLISH_CHANNELS.includes(target.channel)) return [];
        if (who.type === 'twin' && target.channel.startsWith('twin/')) return [];
        if (who.type === 'console' && target.channel === 'firmware' && who.permissions.includes('firmware')) return [];
        return [
          {
            summary: `${who.type} ${who.clientId} published ${target.channel} as ${target.deviceId}${o.delivered ? '' : ' (dropped by the broker)'}`,
            evidence: [o.id],
            clientId: who.clientId,
            device: target.deviceId,
            ...(o.delivered ? {} : { severity: 'medium' as const }),
          },
        ];
      },
    };
  },
});
