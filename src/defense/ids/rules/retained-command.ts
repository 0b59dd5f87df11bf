import { defineRule } from '../rule.ts';
import { commandOf } from '../payload.ts';

/**
 * A command published with the retain flag. The broker keeps it and hands it to the device every time
 * it (re)subscribes, so a pause left retained undoes the nurse's resume at the pump's next reconnect
 * (issue 17). No legitimate sender retains commands (docs/topics.md). ATT&CK for ICS T0855
 * Unauthorized Command Message, T0831 Manipulation of Control.
 */
export const retainedCommand = defineRule({
  name: 'retained-command',
  summary: 'a command published retained, to replay at every reconnect',
  rationale:
    'Commands are never retained by the twin or consoles; a retained command re-executes whenever the device reconnects ' +
    '(retained-message poisoning; ATT&CK for ICS T0855 Unauthorized Command Message, T0831 Manipulation of Control).',
  severity: 'high',
  techniques: ['T0855', 'T0831'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'publish' || !o.retain) return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'cmd') return [];
        // An empty retained message clears a retained one: that is the remedy, not the attack.
        if (o.size === 0) return [];
        const command = commandOf(o)?.type ?? '(unreadable)';
        return [
          {
            summary: `${o.clientId} left a retained ${command} on ${target.deviceId}'s command topic${o.delivered ? '' : ' (dropped by the broker)'}`,
            evidence: [o.id],
            clientId: o.clientId,
            device: target.deviceId,
          },
        ];
      },
    };
  },
});
