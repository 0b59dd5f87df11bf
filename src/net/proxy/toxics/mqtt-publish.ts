import type { IPublishPacket } from 'mqtt-packet';
import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { PacketType, type Segment } from '../framer.ts';
import { decodePacket, encodePacket, topicMatches } from '../packet-codec.ts';
import { isEnd, type Next, type Piece, type ToxicKind } from '../toxic.ts';

export const MQTT_ACTIONS = ['drop', 'delay', 'duplicate', 'reorder', 'downgrade'] as const;

const params = z
  .object({
    action: z.enum(MQTT_ACTIONS).describe('what happens to a matching PUBLISH'),
    topic: z.string().min(1).default('#').describe('MQTT topic filter the PUBLISH must match (+ and # allowed)'),
    probability: z.number().min(0).max(1).default(1).describe('chance each matching PUBLISH is affected'),
    delay: durationSchema.default(1000).describe('delay: how long the PUBLISH is held; reorder: the longest it is held'),
    gap: z.number().int().min(1).default(1).describe('reorder: packets that overtake the held PUBLISH'),
    ack: z
      .boolean()
      .default(true)
      .describe('downgrade: answer the sender of a QoS 1 PUBLISH with PUBACK on the receiver’s behalf, as a downgrading gateway does'),
  })
  .strict();

/**
 * MQTT-aware faults on PUBLISH packets matching `topic`, each with `probability` (seeded per
 * connection): `drop` loses it; `delay` holds it for `delay` while later packets pass (so it also
 * arrives out of order); `duplicate` sends it twice (the copy with DUP set for QoS > 0, a
 * retransmission [MQTT-3.3.1-1]); `reorder` holds it until `gap` later packets have overtaken it (or
 * `delay` has passed); `downgrade` re-encodes a QoS 1 or 2 PUBLISH as QoS 0. Packets are decoded with
 * mqtt-packet; one that does not decode passes untouched (the broker owns the protocol and drops a
 * client that breaks it), and so does everything that is not a whole PUBLISH.
 */
export const mqttPublish: ToxicKind<typeof params> = {
  type: 'mqtt',
  summary: 'Drops, delays, duplicates, reorders or QoS-downgrades PUBLISHes matching a topic filter',
  params,
  // A reorder releases a PUBLISH when later packets come, or at most `delay` after it came: fast mode
  // reads each packet at the instant it was sent.
  paced: (p) => p.action === 'reorder',
  reads: 'packets',
  create({ action, topic, probability, delay, gap, ack }, link) {
    // Held PUBLISHes (delay, reorder), each with its timer and, for reorder, packets still to overtake it.
    let held: { segment: Segment; timer: number; overtakers: number }[] = [];
    let downstream: Next | undefined;

    const release = (entry: (typeof held)[number]) => {
      held = held.filter((h) => h !== entry);
      link.clock.clearTimeout(entry.timer);
      downstream?.(entry.segment);
    };
    const hold = (segment: Segment, ms: number, overtakers: number) => {
      link.delayed(segment, ms);
      const entry = { segment, overtakers, timer: 0 };
      entry.timer = link.clock.setTimeout(() => release(entry), ms);
      held.push(entry);
    };
    const matching = (piece: Piece): IPublishPacket | undefined => {
      if (isEnd(piece) || !piece.whole || piece.type !== PacketType.PUBLISH) return undefined;
      const packet = decodePacket(piece.bytes, link.protocolVersion());
      if (packet instanceof Error || packet.cmd !== 'publish' || !topicMatches(topic, packet.topic)) return undefined;
      return link.rngFor(piece).bernoulli(probability) ? packet : undefined;
    };

    return {
      push(piece, next) {
        downstream = next;
        if (isEnd(piece)) {
          // The sender closed: what is held goes first, as TCP would have delivered it.
          for (const entry of [...held]) release(entry);
          return next(piece);
        }
        const packet = matching(piece);
        if (packet === undefined) {
          next(piece);
          if (action === 'reorder') for (const entry of held.filter((h) => --h.overtakers <= 0)) release(entry);
          return;
        }
        const segment = piece as Segment;
        switch (action) {
          case 'drop':
            return link.dropped(segment);
          case 'delay':
            // Tag timing: reported, not held (the ledger stamps the delivery time); its order is kept.
            if (link.timing === 'tag') {
              link.delayed(segment, delay);
              return next(segment);
            }
            return hold(segment, delay, Number.POSITIVE_INFINITY);
          case 'reorder':
            return hold(segment, delay, gap);
          case 'duplicate': {
            next(segment);
            const copy = packet.qos > 0 ? rebuild({ ...packet, dup: true }, link.protocolVersion(), segment) : segment;
            link.duplicated(copy);
            return next(copy);
          }
          case 'downgrade': {
            if (packet.qos === 0) return next(segment);
            const { messageId, ...rest } = packet;
            const downgraded = rebuild({ ...rest, qos: 0, dup: false }, link.protocolVersion(), segment);
            link.rewrote(segment, downgraded);
            next(downgraded);
            if (ack && packet.qos === 1 && messageId !== undefined)
              link.reply(encodePacket({ cmd: 'puback', messageId }, link.protocolVersion()));
            return;
          }
        }
      },
      flush(next) {
        downstream = next;
        for (const entry of [...held]) release(entry);
      },
      dispose() {
        const pieces = held.map((h) => {
          link.clock.clearTimeout(h.timer);
          return h.segment;
        });
        held = [];
        return pieces;
      },
    };
  },
};

function rebuild(packet: IPublishPacket, protocolVersion: number, original: Segment): Segment {
  const bytes = encodePacket(packet, protocolVersion);
  return { bytes, whole: true, type: original.type };
}
