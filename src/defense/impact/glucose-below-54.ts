import { defineMetric, heldMs, MINUTE_MS, truthSamples } from './metric.ts';

/**
 * Minutes of the window the patient's TRUE glucose spent below 54 mg/dL — level 2 hypoglycaemia,
 * "clinically significant" (International Consensus on Time in Range, Battelino et al., Diabetes Care
 * 2019: keep time < 54 mg/dL under 1 %). Read from `data.truth.glucose` of the telemetry of the patient's
 * device that measures it (a CGM), sample-and-hold: a pump attack's harm shows on the CGM's truth.
 */
export const glucoseBelow54 = defineMetric({
  name: 'glucose-below-54-minutes',
  unit: 'min',
  summary: 'minutes of true glucose below 54 mg/dL within the window',
  rationale:
    'Level 2 hypoglycaemia (< 54 mg/dL) is the consensus marker of clinically significant harm (Battelino et al. 2019); ' +
    'an insulin overdose shows here, judged on the patient’s true glucose, not the sensor’s reading.',
  compute(events, { devices, from, to }) {
    const samples = truthSamples(events, devices, 'glucose');
    if (samples.length === 0) return null;
    return (
      heldMs(
        samples.map(([t, g]) => [t, g < 54] as const),
        from,
        to,
      ) / MINUTE_MS
    );
  },
});
