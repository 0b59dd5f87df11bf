import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf } from './support.ts';

/** MQTT variable-length remaining length [MQTT-2.2.3]. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const str = (bytes: number[]) => [bytes.length >> 8, bytes.length & 0xff, ...bytes];

/** A CONNECT (MQTT 3.1.1, clean session, keep-alive 60 s) with `clientId` as raw bytes. */
function connectWith(clientId: number[], protocol = 'MQTT'): Uint8Array {
  const body = [...str(utf8(protocol)), 4, 0x02, 0, 60, ...str(clientId)];
  return Uint8Array.from([0x10, ...remainingLength(body.length), ...body]);
}

/**
 * The packets, each on its own socket: what fuzzers (and CICIoMT2024's and MQTTset's "malformed"
 * generators) send. None is larger than a few bytes on the wire: the oversized one only announces its
 * size, which is what a broker without a limit would start buffering.
 */
const PACKETS = {
  // [MQTT-1.5.3-2]: a UTF-8 string must not contain U+0000.
  'null-in-client-id': () => connectWith([...utf8('fuzz'), 0x00, ...utf8('x')]),
  // [MQTT-3.1.2-1]: the protocol name must be "MQTT"; a broker must close the connection otherwise.
  'bad-protocol-name': () => connectWith(utf8('fuzz-1'), 'MQTX'),
  // A PUBLISH announcing 64 MiB: the fixed header gives the size before the body [MQTT-2.2.3].
  oversized: () => Uint8Array.from([0x30, ...remainingLength(64 * 1024 * 1024), 0x00, 0x01, 0x61]),
} as const;
type PacketName = keyof typeof PACKETS;

/** Malformed and oversized packets on raw sockets: the broker must drop each client and keep serving. */
export const malformedPackets = defineAttack({
  name: 'attack.malformed-packets',
  category: 'attack',
  summary: 'send packets that are not MQTT, or announce one far over the size limit, on raw sockets',
  precedent:
    'Malformed packets are a class of both public MQTT intrusion datasets (CICIoMT2024 "MQTT malformed data", MQTTset ' +
    '"malformed"); CVE-2017-7651 and CVE-2021-34432 crashed Mosquitto with crafted CONNECT packets, and a broker without a ' +
    'packet-size limit buffers whatever size a client announces.',
  labels: { cicIoMT2024: 'MQTT-Malformed_Data', mqttset: 'malformed' },
  techniques: ['T0814', 'T0866'],
  stoppedBy: [{ control: 'mutualTls', how: 'a client without a certificate from the run CA never gets past the handshake to send MQTT' }],
  detectedBy: ['malformed-packet', 'refused-access'],
  impacts: ['devices-unavailable-minutes', 'time-to-detection'],
  params: z.strictObject({
    packets: z
      .array(z.enum(Object.keys(PACKETS) as [PacketName, ...PacketName[]]))
      .min(1)
      .max(10)
      .default(['null-in-client-id', 'bad-protocol-name', 'oversized'])
      .describe('which packets to send, each on its own socket (bounded)'),
  }),
  async execute(context, params) {
    // One after another: each socket's fate is known (closed by the broker) before the next opens.
    for (const [i, name] of params.packets.entries()) {
      await context.adversary.raw(`raw-${String(i + 1).padStart(2, '0')}`, name, PACKETS[name]());
    }
    return runOf(context.target.site, []);
  },
});
