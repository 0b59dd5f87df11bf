import { defineRule } from '../rule.ts';

/**
 * Bytes that are not MQTT, or a packet past the broker's size limit: a fuzzer, a parser exploit or a
 * memory-exhaustion attempt (CICIoMT2024's and MQTTset's "malformed" classes; ATT&CK for ICS T0814
 * Denial of Service, T0866 Exploitation of Remote Services). mqtt.js and every device firmware only
 * send well-formed packets far below the limit, so one is enough.
 */
export const malformedPacket = defineRule({
  name: 'malformed-packet',
  summary: 'a packet that is not MQTT, or over the broker’s size limit',
  rationale:
    'The fleet’s clients send only well-formed packets far below the size limit; a malformed or oversized one is fuzzing, a ' +
    'parser exploit or memory exhaustion (CICIoMT2024 / MQTTset malformed; ATT&CK for ICS T0814, T0866).',
  severity: 'high',
  techniques: ['T0814', 'T0866'],
  create() {
    return {
      observe(o) {
        if (o.kind !== 'protocol.error' || o.reason === 'tls') return [];
        return [{ summary: `${o.reason} packet dropped: ${o.detail}`, evidence: [o.id], clientId: o.clientId, key: o.reason }];
      },
    };
  },
});
