import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A bolus far over the soft limit with the override set. */
export const forgedBolus = defineAttack({
  name: 'attack.forged-bolus',
  category: 'attack',
  summary: 'command an infusion pump to deliver a huge bolus, overriding the soft limit',
  precedent:
    'Barnaby Jack’s 2011 wireless insulin-pump bolus demonstration; CISA ICSMA-18-219-02 (Medtronic MiniMed remote controllers: ' +
    'a captured bolus command replayed, CWE-294); issue 17 delivered a 9,000 U heparin bolus over MQTT.',
  labels: {},
  techniques: ['T0855', 'T0836', 'T0831'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic' },
    { control: 'signedCommands', how: 'patched firmware refuses an unsigned bolus' },
    { control: 'operatorMfa', how: 'a bolus needs an operator’s TOTP code' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'dose-limit-override', 'refused-access'],
  impacts: ['dose-excess', 'glucose-below-54-minutes', 'time-to-detection'],
  params: z.strictObject({
    amount: z.number().positive().default(9000).describe("bolus in the drug's amount unit"),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    await session?.publish(
      targetTopic(context.target, 'cmd'),
      forgedCommand(context, { type: 'bolus', amount: params.amount, confirmSoftLimit: true }),
    );
    return runOf(context.target.site, [session]);
  },
});
