import { defineRule } from '../rule.ts';
import { envelopeOf } from '../payload.ts';

/**
 * A device refusing a firmware image, as its acknowledgement says (`firmware.<reason>`: unsigned,
 * bad-signature, digest-mismatch, downgrade...). The fleet's own campaigns offer only the vendor's
 * signed, newer images, so a refusal means someone with a way to the device's command topic offered
 * one that is not: a tamper or a rollback stopped at the device (CWE-494, CWE-1328; ATT&CK for ICS
 * T0839 Module Firmware, T0857 System Firmware).
 */
export const firmwareRefused = defineRule({
  name: 'firmware-refused',
  summary: 'a device refuses a firmware image offered to it (unsigned, tampered, downgraded)',
  rationale:
    'A hospital’s own campaigns offer only the vendor’s signed, newer images; a device’s ack refusing one (firmware.<reason>) ' +
    'means an offer that is not, from whoever could reach its command topic: a tampered image or a rollback stopped at the ' +
    'device (CWE-494, CWE-1328; ATT&CK for ICS T0839 Module Firmware, T0857 System Firmware).',
  severity: 'high',
  techniques: ['T0839', 'T0857'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'publish' || !o.delivered) return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'cmd/ack') return [];
        const body = envelopeOf(o)?.body as Record<string, unknown> | undefined;
        const code = typeof body?.code === 'string' ? body.code : '';
        if (body?.accepted !== false || !code.startsWith('firmware.')) return [];
        return [
          {
            summary: `${target.deviceId} refused a firmware image: ${code}${typeof body.reason === 'string' ? ` (${body.reason})` : ''}`,
            evidence: [o.id],
            clientId: o.clientId,
            device: target.deviceId,
          },
        ];
      },
    };
  },
});
