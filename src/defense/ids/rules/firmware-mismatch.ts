import { defineRule } from '../rule.ts';
import { envelopeOf } from '../payload.ts';

/**
 * A device reporting a firmware version other than the one it is known to run (the fleet's record, or
 * the first version it reported). With no patch campaign in the run, a version change is a tampered or
 * downgraded image (FDA 2023 guidance: signed updates; CWE-494; ATT&CK for ICS T0839 Module Firmware).
 */
export const firmwareMismatch = defineRule({
  name: 'firmware-mismatch',
  summary: 'a device reports a firmware version other than the one on record',
  rationale:
    'Firmware changes only through a signed update campaign (docs/security.md); a version that differs from the fleet record ' +
    'or from what the device reported before is a tamper or a downgrade (CWE-494; ATT&CK for ICS T0839 Module Firmware).',
  severity: 'high',
  techniques: ['T0839'],
  create(ctx) {
    const reported = new Map<string, { version: string; id: number }>();
    return {
      observe(o) {
        if (o.kind !== 'publish' || !o.delivered) return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'telemetry') return [];
        const body = envelopeOf(o)?.body as Record<string, unknown> | undefined;
        const version = typeof body?.firmware === 'string' ? body.firmware : undefined;
        if (version === undefined) return [];
        const previous = reported.get(target.deviceId);
        const expected = target.known?.firmware ?? previous?.version;
        if (previous === undefined || previous.version !== version) reported.set(target.deviceId, { version, id: o.id });
        if (expected === undefined || expected === version) return [];
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
