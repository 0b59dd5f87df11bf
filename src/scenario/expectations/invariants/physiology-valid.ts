import { z } from 'zod';
import { formatSimTime } from '../format.ts';
import { defineInvariant, ViolationLog } from './invariant.ts';

/**
 * Every patient of the selected devices stays in a state a living patient can be in: each
 * `physiology.invalid` event (src/physiology/integrity.ts: glucose outside 10–1000 mg/dL, SpO2 outside
 * 0–100 %, a non-finite value, a diverged solver) is a violation. A run with any such event is not ok
 * whether or not a scenario states this; stating it puts the breach among the verdicts, with evidence.
 */
export const physiologyValid = defineInvariant({
  summary: 'The true state of every selected device’s patient stays within physiological bounds (no physiology.invalid event)',
  params: z.strictObject({}),
  describe: () => 'every patient’s true state stayed within physiological bounds',
  create(_params, env) {
    const devicesOf = new Map<string, string>();
    for (const device of env.devices) if (!devicesOf.has(device.patientId)) devicesOf.set(device.patientId, device.id);
    const violations = new ViolationLog();
    return {
      violations,
      onEvent(event) {
        if (event.type !== 'physiology.invalid') return;
        const patient = String(event.data.patient);
        const device = devicesOf.get(patient);
        if (device === undefined) return;
        const at = typeof event.data.at === 'number' ? event.data.at : event.t;
        violations.add({ device, at, evidence: [event.id], detail: `${patient} at ${formatSimTime(at)}: ${String(event.data.reason)}` });
      },
      pending: () => [],
    };
  },
});
