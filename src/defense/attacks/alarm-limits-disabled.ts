import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** Remove a monitor's low SpO2 limits: the desaturation that follows raises no alarm. */
export const alarmLimitsDisabled = defineAttack({
  name: 'attack.alarm-limits-disabled',
  category: 'attack',
  summary: 'remove a patient monitor’s low limits for a parameter, so its alarm never sounds',
  precedent:
    'Missing authentication for a critical function in patient monitors (CISA ICSMA-20-023-01, GE CARESCAPE "MDhex": alarm ' +
    'settings changeable over the network, docs/advisories.md); ATT&CK for ICS T0838 Modify Alarm Settings.',
  labels: {},
  techniques: ['T0838', 'T0878', 'T0855'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic' },
    { control: 'signedCommands', how: 'patched firmware refuses an unsigned limits change' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'refused-access'],
  impacts: ['unalarmed-desaturation-minutes', 'time-to-detection'],
  params: z.strictObject({
    parameter: z.string().min(1).default('spo2').describe('monitor parameter whose low limits to remove'),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    const topic = targetTopic(context.target, 'cmd');
    for (const level of ['warn', 'crit']) {
      await session?.publish(topic, forgedCommand(context, { type: 'limits.set', parameter: params.parameter, level, low: null }));
    }
    return runOf(context.target.site, [session]);
  },
});
