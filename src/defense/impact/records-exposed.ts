import { defineMetric } from './metric.ts';

/**
 * Distinct patients among the window's devices whose messages reached the attacker, from the
 * adversary's ground truth (`attack.ended` events, `exposed`: the device ids it received traffic of,
 * recorded by src/runtime/run-attacks.ts when an attack ends). HIPAA counts a breach by individuals
 * affected (45 CFR 164.404): a patient with a monitor and a pump is one record. Zero when the log
 * holds no exposure: the adversary's record is the ground truth, and it read nothing.
 */
export const recordsExposed = defineMetric({
  name: 'records-exposed',
  unit: 'patients',
  summary: 'distinct patients whose data reached the attacker',
  scope: 'site',
  rationale:
    'A breach is measured by the individuals whose data was disclosed (45 CFR 164.404); counted from the adversary’s ' +
    'ground truth of what it received, never guessed from the broker side.',
  compute(events, { devices, from, to, patientOf }) {
    const of = new Set(devices);
    const patients = new Set<string>();
    for (const e of events) {
      if (e.type !== 'attack.ended' || e.t < from || e.t > to) continue;
      const list = e.data.exposed;
      if (!Array.isArray(list)) continue;
      for (const d of list) if (typeof d === 'string' && of.has(d)) patients.add(patientOf?.(d) ?? d);
    }
    return patients.size;
  },
});
