import { defineMetric } from './metric.ts';

/**
 * Seconds from the attack's start to the first containment action about the target: a `response.*`
 * event (a playbook quarantining, revoking or failing safe), or the broker locking the attacker out
 * (`auth.lockout`). MTTC, NIST SP 800-61r2's containment phase. Null when nothing contained it —
 * which, until response playbooks exist, is every attack but a brute force under `lockout`.
 */
export const timeToContainment = defineMetric({
  name: 'time-to-containment',
  unit: 's',
  summary: 'seconds from the attack’s start to the first containment action',
  response: true,
  rationale:
    'Mean time to contain (NIST SP 800-61r2 containment, eradication and recovery); from `response.*` events naming the ' +
    'target device or no device, and `auth.lockout` events, at or after the attack’s start.',
  compute(events, { devices, from, to }) {
    let first: number | undefined;
    for (const e of events) {
      if (e.t < from || e.t > to) continue;
      const containment = e.type.startsWith('response.') || e.type === 'auth.lockout';
      if (!containment) continue;
      const about = e.data.device;
      if (about !== undefined && !devices.includes(about as string)) continue;
      if (first === undefined || e.t < first) first = e.t;
    }
    return first === undefined ? null : (first - from) / 1000;
  },
});
