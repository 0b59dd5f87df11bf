import { isVulnerable } from '../../net/security/firmware/catalogue.ts';
import { defineMetric, MINUTE_MS } from './metric.ts';

/**
 * Minutes of the window a device ran firmware installed in it that is not the vendor's (a tampered
 * image) or that the advisory catalogue marks vulnerable (a downgrade), from the device's own
 * `firmware.installed` events — the ground truth of what it booted, whatever its reports claim.
 */
export const compromisedFirmware = defineMetric({
  name: 'compromised-firmware-minutes',
  unit: 'min',
  summary: 'minutes a device ran a tampered image, or a version with a published vulnerability, installed during the window',
  rationale:
    'A device that boots code its manufacturer did not sign, or an old version with a known vulnerability, keeps none of the ' +
    'protections the controls assume (FDA 2023 premarket guidance: authenticated updates; CWE-494). From the device’s ' +
    '`firmware.installed` events (with whether the image was genuine), summed over the patient’s devices, to the window’s end ' +
    'or the next genuine, patched install.',
  compute(events, { devices, from, to }) {
    let total = 0;
    for (const device of devices) {
      let since: number | undefined;
      for (const e of events) {
        if (e.source !== device || e.type !== 'firmware.installed' || e.t < from || e.t > to) continue;
        const kind = typeof e.data.kind === 'string' ? e.data.kind : undefined;
        const version = String(e.data.to);
        const compromised = e.data.genuine === false || (kind !== undefined && isVulnerable(kind, version));
        if (compromised) since ??= e.t;
        else if (since !== undefined) {
          total += e.t - since;
          since = undefined;
        }
      }
      if (since !== undefined) total += to - since;
    }
    return total / MINUTE_MS;
  },
});
