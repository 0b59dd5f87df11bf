import { defineRule } from '../rule.ts';
import { commandOf } from '../payload.ts';

/**
 * A command published by something that never sends commands: a device, or a client the fleet does
 * not know, or a console without the command permission or outside its zone. Only the twin and the
 * zone's consoles command devices (docs/security.md). This is the forged pause, reprogram and bolus of
 * issue 17 (ATT&CK for ICS T0855 Unauthorized Command Message, T0831 Manipulation of Control). Critical
 * when the broker delivered it; high when the ACL dropped it (the attempt is still an intrusion).
 */
export const unauthorizedCommand = defineRule({
  name: 'unauthorized-command',
  summary: 'a command to a device from an identity that may not command it',
  rationale:
    'Commands come only from the twin and the consoles of the device’s zone with the command permission; from anyone else a ' +
    'command is forged (ATT&CK for ICS T0855 Unauthorized Command Message, T0831 Manipulation of Control).',
  severity: 'critical',
  techniques: ['T0855', 'T0831'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'cmd') return [];
        const who = ctx.subjectOf(o);
        if (who.type === 'twin') return [];
        if (
          who.type === 'console' &&
          (who.zone === undefined || who.zone === target.zone) &&
          (who.permissions.includes('command') || who.permissions.includes('dose'))
        )
          return [];
        const command = commandOf(o)?.type ?? '(unreadable)';
        const outcome = o.delivered ? 'delivered' : 'dropped by the broker';
        return [
          {
            summary: `${who.type} ${who.clientId} sent ${command} to ${target.deviceId} (${outcome})`,
            evidence: [o.id],
            clientId: who.clientId,
            device: target.deviceId,
            severity: o.delivered ? 'critical' : 'high',
          },
        ];
      },
    };
  },
});
