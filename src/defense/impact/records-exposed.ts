import { defineMetric } from './metric.ts';

/**
 * Distinct devices (each one patient's data) whose messages reached the attacker, from the adversary's
 * ground truth (`attack.ended` events, `exposed`: the device ids it received traffic of, recorded by
 * src/runtime/run-attacks.ts when an attack ends). HIPAA counts a breach
 * by individuals affected (45 CFR 164.404); a device here is one patient. The window's device is not
 * used: exposure is site-wide.
 */
export const recordsExposed = defineMetric({
  name: 'records-exposed',
  unit: 'patients',
  summary: 'distinct devices (patients) whose data reached the attacker',
  rationale:
    'A breach is measured by the individuals whose data was disclosed (45 CFR 164.404); counted from the adversary’s ' +
    'ground truth of what it received, never guessed from the broker side.',
  compute(events, { from, to }) {
    const devices = new Set<string>();
    let any = false;
    for (const e of events) {
      if (e.type !== 'attack.ended' || e.t < from || e.t > to) continue;
      any = true;
      const list = e.data.exposed;
      if (Array.isArray(list)) for (const d of list) if (typeof d === 'string') devices.add(d);
    }
    return any ? devices.size : null;
  },
});
