import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf } from './support.ts';

/**
 * A compromised fleet floods the broker together: several bots, each a QoS 0 burst below the
 * single-client flood threshold. Bounded in bots and messages; loopback only.
 */
export const ddosPublishFlood = defineAttack({
  name: 'attack.ddos-publish-flood',
  category: 'attack',
  summary: 'a compromised fleet of bots each publishes a bounded burst at once (DDoS), none a flood alone',
  precedent:
    'The 2016 Mirai botnet turned hundreds of thousands of IoT devices into a DDoS army (CISA alert TA16-288A); CICIoMT2024 ' +
    'labels MQTT DDoS publish floods as their own class, and MQTTset floods by many clients. A hospital’s own cameras, ' +
    'badges or building sensors on the clinical network are such a fleet.',
  labels: { cicIoMT2024: 'MQTT-DDoS-Publish_Flood', mqttset: 'flood' },
  techniques: ['T0814', 'T0815'],
  stoppedBy: [
    { control: 'authentication', how: 'bots without the fleet’s credentials get CONNACK 5' },
    { control: 'mutualTls', how: 'bots without a client certificate from the run CA never complete the handshake' },
  ],
  detectedBy: ['unknown-client', 'distributed-flood', 'refused-access'],
  impacts: ['devices-unavailable-minutes', 'time-to-detection'],
  params: z.strictObject({
    bots: z.number().int().min(2).max(50).default(8).describe('compromised clients (bounded)'),
    messages: z.number().int().min(1).max(1000).default(100).describe('messages each bot publishes (bounded)'),
    bytes: z.number().int().min(0).max(16_384).default(256).describe('payload size of each'),
  }),
  async execute(context, params) {
    const { adversary, target } = context;
    // Client ids of stock IoT gear (cameras), fixed so runs repeat.
    const bots = [];
    for (let i = 0; i < params.bots; i++) bots.push(await adversary.connect(`ipcam-${String(i + 1).padStart(3, '0')}`));
    const payload = 'x'.repeat(params.bytes);
    await Promise.all(
      bots.map((bot) => bot?.publishBurst(`medtwin/${target.site}/${target.zone}/ddos/${bot.clientId}`, payload, params.messages)),
    );
    return runOf(target.site, bots);
  },
});
