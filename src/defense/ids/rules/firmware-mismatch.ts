import { defineRule } from '../rule.ts';
import { envelopeOf } from '../payload.ts';

/**
 * A device reporting a firmware version other than the one it is known to run (the fleet's record, or
 * the first version it reported), in its telemetry or its state messages. A change a patch campaign
 * planned (its stage's change window covers the device, the version is the campaign's) is expected,
 * and becomes the record; any other is a tampered or downgraded image (FDA 2023 guidance: signed
 * updates; CWE-494; ATT&CK for ICS T0839 Module Firmware).
 */
export const firmwareMismatch = defineRule({
  name: 'firmware-mismatch',
  summary: 'a device reports a firmware version other than the one on record, outside a patch campaign',
  rationale:
    'Firmware changes only through a signed update campaign (docs/security.md); a version that differs from the fleet record ' +
    'or from what the device reported before, and that no campaign’s change window covers, is a tamper or a downgrade ' +
    '(CWE-494; ATT&CK for ICS T0839 Module Firmware).',
  severity: 'high',
  techniques: ['T0839'],
  create(ctx) {
    const reported = new Map<string, { version: string; id: number }>();
    /** Versions a campaign moved a device to: its record from then on. */
    const planned = new Map<string, string>();
    return {
      observe(o) {
        if (o.kind !== 'publish' || !o.delivered) return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'telemetry' && target?.channel !== 'state') return [];
        const body = envelopeOf(o)?.body as Record<string, unknown> | undefined;
        const version = typeof body?.firmware === 'string' ? body.firmware : undefined;
        if (version === undefined) return [];
        const previous = reported.get(target.deviceId);
        const expected = planned.get(target.deviceId) ?? target.known?.firmware ?? previous?.version;
        if (previous === undefined || previous.version !== version) reported.set(target.deviceId, { version, id: o.id });
        if (expected === undefined || expected === version) return [];
        if (ctx.plannedChange(target.deviceId, version, o.t) !== undefined) {
          planned.set(target.deviceId, version);
          return [];
        }
        return [
          {
            summary: `${target.deviceId} reports firmware ${version}, on record ${expected}`,
            evidence: previous === undefined ? [o.id] : [previous.id, o.id],
            clientId: o.clientId,
            device: target.deviceId,
          },
        ];
      },
    };
  },
});
