import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { forgedCommand, runOf, targetTopic } from './support.ts';

/**
 * From a device the attacker already controls (malware on it, its own connection and identity), a
 * command to a device in another zone: the move from a compromised foothold across a flat network to
 * the device that harms. Without a foothold in the run (no other device) it does nothing.
 */
export const lateralMovement = defineAttack({
  name: 'attack.lateral-movement',
  category: 'attack',
  summary: 'from a compromised device in one zone, pause an infusion pump in another over the device’s own connection',
  precedent:
    'Hospital ransomware and worms move from one compromised device to the next across flat networks (WannaCry 2017 reached ' +
    'radiology and infusion systems in NHS trusts, NAO report 2018); HHS 405(d) HICP practice 6 (network management) and ' +
    'FDA’s 2023 guidance call for segmentation so a compromised device cannot reach another zone.',
  labels: {},
  techniques: ['T0886', 'T0859', 'T0855'],
  stoppedBy: [
    { control: 'acl', how: 'a device identity publishes only its own channels: a command to another device is dropped' },
    { control: 'signedCommands', how: 'the target accepts only commands signed by a console or the twin, which a device cannot sign' },
  ],
  detectedBy: ['unauthorized-command'],
  impacts: ['therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({
    command: z.enum(['pause', 'stop']).default('pause').describe('the command sent to the target'),
  }),
  async execute(context, params) {
    const { compromised, target, adversary } = context;
    if (compromised === undefined) return runOf(target.site, []);
    const topic = targetTopic(target, 'cmd');
    const payload = forgedCommand(context, { type: params.command });
    await compromised.publish(topic, payload);
    // Ground truth: the compromised device's publish was the attacker's (no port: the connection is the device's own).
    adversary.record({
      t: adversary.now(),
      clientId: compromised.clientId,
      action: 'publish',
      topic,
      retain: false,
      size: Buffer.byteLength(payload),
      outcome: 'sent',
    });
    return runOf(target.site, []);
  },
});
