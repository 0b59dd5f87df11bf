import { z } from 'zod';
import { encodeEnvelope } from '../../net/envelope.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf, targetTopic } from './support.ts';

/** One telemetry message in the target's name with a sequence number near 2^53: the twin then drops everything real as "old". */
export const spoofedSeq = defineAttack({
  name: 'attack.spoofed-seq',
  category: 'attack',
  summary: 'publish one telemetry message as the target with a huge sequence number',
  precedent:
    'Spoofed reporting messages blind operators (ATT&CK for ICS T0856; the 2010 Stuxnet replay of normal readings is the ' +
    'classic case); issue 17 blinded the twin to a pump for the rest of a run with one message.',
  labels: {},
  techniques: ['T0856', 'T0832', 'T0815'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device publishes only under its own topic: a spoof from another identity is dropped' },
  ],
  detectedBy: ['unknown-client', 'unexpected-topic', 'telemetry-seq-anomaly', 'refused-access'],
  impacts: ['time-to-detection'],
  params: z.strictObject({
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(9_007_199_254_740_000).describe('sequence number to claim'),
  }),
  async execute(context, params) {
    const { target } = context;
    const session = await connectAsAttacker(context);
    const payload = encodeEnvelope({
      v: 1,
      device: target.deviceId,
      kind: target.kind,
      seq: params.seq,
      t: context.adversary.now(),
      body: {},
    });
    await session?.publish(targetTopic(target, 'telemetry'), payload);
    return runOf(target.site, [session]);
  },
});
