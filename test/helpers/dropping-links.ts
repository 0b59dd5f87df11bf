import type { DeliveryLedger } from '../../src/net/delivery-ledger.ts';
import type { LinkOpener } from '../../src/net/device-link.ts';
import { decodeEnvelope } from '../../src/net/envelope.ts';
import { parseTopic } from '../../src/net/topics.ts';

/**
 * A link layer that discards, on purpose, the QoS 0 messages `drop` picks before they reach the
 * client, and books each one lost in the ledger — as a lossy network with an honest account would.
 */
export function droppingLinks(
  ledger: () => DeliveryLedger,
  drop: (deviceId: string, channel: string, seq: number) => boolean,
  reason = 'dropped by test',
): (links: LinkOpener) => LinkOpener {
  return (links) => ({
    async open(options, onMessage) {
      const link = await links.open(options, onMessage);
      return {
        publish(topic, payload, qos, retain) {
          const parsed = parseTopic(topic);
          const decoded = decodeEnvelope(payload);
          if (qos === 0 && parsed && decoded.ok && drop(parsed.deviceId, parsed.channel, decoded.envelope.seq)) {
            ledger().lost(parsed.deviceId, parsed.channel, decoded.envelope.seq, reason);
            return;
          }
          link.publish(topic, payload, qos, retain);
        },
        close: (farewell) => link.close(farewell),
        fence: () => link.fence(),
      };
    },
  });
}
