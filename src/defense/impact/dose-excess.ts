import { defineMetric, deliverySamples } from './metric.ts';

/**
 * Drug delivered over the window beyond what the program running at its start would have delivered:
 * the 9,703 U of heparin instead of 497 U of issue 17. Read from the pump's dose account (the running
 * `delivered.amount` total every pump telemetry event carries: what reached the patient, ground truth,
 * not what the pump displays). Negative means less was delivered than programmed — see
 * therapy-interruption for how long. In the drug's amount unit (U, mcg, mg, mL).
 */
export const doseExcess = defineMetric({
  name: 'dose-excess',
  unit: 'drug amount (U, mcg, mg or mL)',
  summary: 'drug delivered beyond the program in force when the attack began',
  rationale:
    'Excess dose is the harm a forged program or bolus does (ISMP high-alert medications: insulin, heparin); delivered amount ' +
    'from the dose account minus the pre-attack dose rate × the window length.',
  compute(events, { devices, from, to }) {
    // The patient's pumps, each against its own program (a patient may have several infusions).
    let total: number | null = null;
    for (const device of devices) {
      const excess = pumpExcess(deliverySamples(events, device), from, to);
      if (excess !== null) total = (total ?? 0) + excess;
    }
    return total === null ? null : round(total);
  },
});

function pumpExcess(samples: ReturnType<typeof deliverySamples>, from: number, to: number): number | null {
  // The account just before the window: a sample at `from` itself may already carry the attack's rate.
  const before = samples.filter((s) => s.t < from).at(-1);
  const last = samples.filter((s) => s.t <= to).at(-1);
  if (before === undefined || last === undefined) return null;
  const expected = (before.doseRatePerH * (to - from)) / 3_600_000;
  // Amount from `from` on: the sample at or before `from` plus its rate up to `from` (it held since).
  const atFrom = before.amount + (before.doseRatePerH * (from - before.t)) / 3_600_000;
  const atTo = last.amount + (last.doseRatePerH * (to - last.t)) / 3_600_000;
  return atTo - atFrom - expected;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
