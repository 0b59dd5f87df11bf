import { defineMetric } from './metric.ts';

/**
 * Seconds from the attack's start to the first IDS alert about it: about the target device, or about
 * no device at all (a broker-wide finding such as a connect flood or a `$SYS` probe). MTTD, as NIST SP
 * 800-61 and the MITRE/FDA medical device playbook measure detection. Null when nothing was detected.
 */
export const timeToDetection = defineMetric({
  name: 'time-to-detection',
  unit: 's',
  summary: 'seconds from the attack’s start to the first IDS alert about it',
  response: true,
  rationale:
    'Mean time to detect (NIST SP 800-61r2 detection & analysis); from `ids.alert` events at or after the attack’s start ' +
    'that name the target device or no device.',
  compute(events, { devices, from, to }) {
    let first: number | undefined;
    for (const e of events) {
      if (e.type !== 'ids.alert' || e.t < from || e.t > to) continue;
      const about = e.data.device;
      if (about !== undefined && !devices.includes(about as string)) continue;
      if (first === undefined || e.t < first) first = e.t;
    }
    return first === undefined ? null : (first - from) / 1000;
  },
});
