import mqttPacket from 'mqtt-packet';
import { field, rawPacket } from '../helpers/raw-mqtt.ts';

/** One known-bad input: the bytes a client sends (after a valid CONNECT when `afterConnect`). */
export interface BadPacket {
  name: string;
  afterConnect: boolean;
  bytes: Buffer;
}

const connect = (clientId: Buffer | string, flags = 0x02, level = 4) =>
  rawPacket(0x10, Buffer.concat([field('MQTT'), Buffer.from([level, flags, 0, 30]), field(clientId)]));
const publish = (topic: Buffer | string, payload = Buffer.from('x'), typeAndFlags = 0x30) =>
  rawPacket(typeAndFlags, Buffer.concat([field(topic), payload]));

/**
 * The classes of malformed input Mosquitto's own broker tests send (test/broker/01-connect-*,
 * 02-subpub-*, 03-publish-*, 12-prop-*): a first packet that is not CONNECT, reserved types and bad
 * fixed-header flags, remaining lengths that are too long or lie, truncated variable headers and
 * properties, strings that are not UTF-8 or hold U+0000, and oversize packets. Each must cost the
 * broker one dropped client at most.
 */
export const BAD_PACKETS: readonly BadPacket[] = [
  { name: 'first packet PUBLISH, not CONNECT', afterConnect: false, bytes: publish('a/b') },
  {
    name: 'first packet SUBSCRIBE, not CONNECT',
    afterConnect: false,
    bytes: mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 0 }] }),
  },
  { name: 'first packet PINGREQ, not CONNECT', afterConnect: false, bytes: Buffer.from([0xc0, 0x00]) },
  { name: 'second CONNECT [MQTT-3.1.0-2]', afterConnect: true, bytes: connect('again') },
  { name: 'reserved packet type 0', afterConnect: true, bytes: Buffer.from([0x00, 0x00]) },
  { name: 'reserved packet type 15 (MQTT 3.1.1)', afterConnect: true, bytes: Buffer.from([0xf0, 0x00]) },
  {
    name: 'CONNECT with flags 0x0f [MQTT-2.2.2-2]',
    afterConnect: false,
    bytes: Buffer.concat([Buffer.from([0x1f]), connect('flags').subarray(1)]),
  },
  { name: 'CONNECT reserved flag bit set [MQTT-3.1.2-3]', afterConnect: false, bytes: connect('reserved', 0x03) },
  {
    name: 'CONNECT protocol name "MQTX"',
    afterConnect: false,
    bytes: rawPacket(0x10, Buffer.concat([field('MQTX'), Buffer.from([4, 2, 0, 30]), field('x')])),
  },
  { name: 'CONNECT protocol level 255', afterConnect: false, bytes: connect('level', 0x02, 255) },
  { name: 'CONNECT will QoS 3 [MQTT-3.1.2-14]', afterConnect: false, bytes: connect('will-qos', 0x02 | 0x04 | 0x18) },
  { name: 'CONNECT password without user name [MQTT-3.1.2-22]', afterConnect: false, bytes: connect('pw', 0x02 | 0x40) },
  { name: 'PUBLISH QoS 3 [MQTT-3.3.1-4]', afterConnect: true, bytes: publish('a/b', Buffer.from('x'), 0x36) },
  { name: 'PUBLISH QoS 1 without packet id', afterConnect: true, bytes: rawPacket(0x32, field('a')) },
  {
    name: 'SUBSCRIBE with flags 0 [MQTT-3.8.1-1]',
    afterConnect: true,
    bytes: rawPacket(0x80, Buffer.concat([Buffer.from([0, 1]), field('a'), Buffer.from([0])])),
  },
  { name: 'SUBSCRIBE with no topic filter [MQTT-3.8.3-3]', afterConnect: true, bytes: rawPacket(0x82, Buffer.from([0, 1])) },
  {
    name: 'SUBSCRIBE requested QoS 3 [MQTT-3-8.3-4]',
    afterConnect: true,
    bytes: rawPacket(0x82, Buffer.concat([Buffer.from([0, 1]), field('a'), Buffer.from([3])])),
  },
  { name: 'UNSUBSCRIBE with no topic filter [MQTT-3.10.3-2]', afterConnect: true, bytes: rawPacket(0xa2, Buffer.from([0, 1])) },
  { name: 'PINGREQ with a body', afterConnect: true, bytes: Buffer.from([0xc0, 0x02, 0x00, 0x00]) },
  { name: 'DISCONNECT with flags set', afterConnect: true, bytes: Buffer.from([0xe1, 0x00]) },
  { name: 'remaining length of five bytes [MQTT-2.2.3]', afterConnect: true, bytes: Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]) },
  { name: 'remaining length 268,435,455 (the maximum), no body', afterConnect: true, bytes: Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]) },
  { name: 'remaining length shorter than the topic length says', afterConnect: true, bytes: Buffer.from([0x30, 0x03, 0x00, 0x10, 0x61]) },
  { name: 'truncated CONNECT variable header', afterConnect: false, bytes: Buffer.from([0x10, 0x04, 0x00, 0x04, 0x4d, 0x51]) },
  {
    name: 'truncated MQTT 5 CONNECT properties',
    afterConnect: false,
    bytes: rawPacket(0x10, Buffer.concat([field('MQTT'), Buffer.from([5, 2, 0, 30, 0x0a, 0x11, 0x00])])),
  },
  {
    name: 'MQTT 5 CONNECT with a property length past the packet',
    afterConnect: false,
    bytes: rawPacket(0x10, Buffer.concat([field('MQTT'), Buffer.from([5, 2, 0, 30, 0xff, 0x7f, 0x11])])),
  },
  { name: 'PUBLISH topic of ill-formed UTF-8 [MQTT-1.5.3-1]', afterConnect: true, bytes: publish(Buffer.from([0x61, 0xff])) },
  { name: 'PUBLISH topic with an encoded surrogate [MQTT-1.5.3-1]', afterConnect: true, bytes: publish(Buffer.from([0xed, 0xa0, 0x80])) },
  { name: 'PUBLISH topic with U+0000 [MQTT-1.5.3-2]', afterConnect: true, bytes: publish(Buffer.from('a\u0000b')) },
  { name: 'CONNECT client id of ill-formed UTF-8', afterConnect: false, bytes: connect(Buffer.from([0xc3, 0x28])) },
  {
    name: 'SUBSCRIBE filter with U+0000',
    afterConnect: true,
    bytes: rawPacket(0x82, Buffer.concat([Buffer.from([0, 1]), field('a\u0000'), Buffer.from([0])])),
  },
  { name: 'PUBLISH topic with a wildcard [MQTT-3.3.2-2]', afterConnect: true, bytes: publish('a/#') },
  { name: 'PUBLISH empty topic [MQTT-4.7.3-1]', afterConnect: true, bytes: publish('') },
  { name: 'PUBLISH topic of 129 levels', afterConnect: true, bytes: publish(Array.from({ length: 129 }, () => 'a').join('/')) },
  { name: 'oversize PUBLISH (1 MiB, over the 256 KiB limit)', afterConnect: true, bytes: publish('big', Buffer.alloc(1024 * 1024, 0x61)) },
  { name: 'oversize CONNECT announced, never sent', afterConnect: false, bytes: Buffer.from([0x10, 0xff, 0xff, 0x7f]) },
  { name: 'PUBREL with flags 0 [MQTT-3.6.1-1]', afterConnect: true, bytes: Buffer.from([0x60, 0x02, 0x00, 0x01]) },
  { name: 'server-only CONNACK from a client', afterConnect: true, bytes: Buffer.from([0x20, 0x02, 0x00, 0x00]) },
];
