import { defineMetric, truthSamples } from './metric.ts';
import { alarmIntervals } from './unalarmed-desaturation.ts';

/**
 * The alarm conditions a patient met, on ground truth, that no device announced: each episode of true
 * SpO2 below 90 % (hypoxaemia, WHO 2011) or true glucose below 54 mg/dL (level 2 hypoglycaemia,
 * Battelino et al. 2019) that began or was under way within the window and ended with no alarm on that
 * parameter announced by any of the patient's devices. A suppressed alarm (raised, never announced) is
 * missed; so is one whose limits an attacker removed.
 */
const CONDITIONS = [
  { signal: 'spo2', below: 90 },
  { signal: 'glucose', below: 54 },
] as const;

export const alarmsMissed = defineMetric({
  name: 'alarms-missed',
  unit: 'episodes',
  summary: 'episodes of true hypoxaemia or level 2 hypoglycaemia with no alarm announced',
  rationale:
    'An alarm exists to announce a dangerous condition (IEC 60601-1-8); episodes of true SpO2 < 90 % (WHO 2011) or true ' +
    'glucose < 54 mg/dL (Battelino et al. 2019) with no alarm on that parameter announced are the alarms an attack suppressed or made miss.',
  compute(events, { devices, from, to }) {
    let measured = false;
    let missed = 0;
    for (const { signal, below } of CONDITIONS) {
      const samples = truthSamples(events, devices, signal);
      if (samples.length === 0) continue;
      measured = true;
      const alarmed = alarmIntervals(events, devices, signal);
      for (const [start, end] of episodes(samples, below, to)) {
        if (end <= from || start > to) continue;
        if (!alarmed.some(([a, b]) => a < end && b > start)) missed++;
      }
    }
    return measured ? missed : null;
  },
});

/** [start, end) of each run of samples below `limit` (sample-and-hold; an episode still open ends at `to`). */
function episodes(samples: readonly [number, number][], limit: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let start: number | undefined;
  for (const [t, value] of samples) {
    if (value < limit && start === undefined) start = t;
    else if (value >= limit && start !== undefined) {
      out.push([start, t]);
      start = undefined;
    }
  }
  if (start !== undefined) out.push([start, Math.max(to, start + 1)]);
  return out;
}
