import { accuracyEnvelopePct, lowRateWidening } from './accuracy.ts';
import { OCCLUSION_LEVELS, type PumpSettings } from './telemetry.ts';

/**
 * The pump's model in figures, for docs/devices.md: computed from the same settings and formulas the
 * plant runs (line.ts, accuracy.ts), so the documentation cannot drift from the code.
 */

const RATES = [1, 5, 25, 100];

/** Time for a closed line to reach `limitMmHg` at `rateMlPerH` (line.ts: dp/dt = q/C · (1 − p/max)), ms. */
export function timeToLimitMs(rateMlPerH: number, limitMmHg: number, s: PumpSettings['linePressure']): number {
  const { baselineMmHg, maxMmHg, complianceMlPerMmHg } = s;
  if (limitMmHg >= maxMmHg) return Number.POSITIVE_INFINITY;
  const hours = ((complianceMlPerMmHg * maxMmHg) / rateMlPerH) * Math.log((maxMmHg - baselineMmHg) / (maxMmHg - limitMmHg));
  return hours * 3_600_000;
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function pumpModelDocs(s: PumpSettings): string[] {
  const line = s.linePressure;
  const persistence = s.alarms.downstreamOcclusionPersistenceMs;
  const limits = s.alarms.occlusionLimitsMmHg;
  const stored = (limit: number) => (line.complianceMlPerMmHg * (limit - line.baselineMmHg)).toFixed(2);
  return [
    '**How it is modelled**',
    '',
    'The machine holds the modes above, the program and the announced alarms; its plant (devices/infusion-pump/plant.ts) holds the ' +
      "continuous side: the pump's count toward VTBI, what reached the patient, the line's stored volume and pressure, and the battery. " +
      'The plant tells the machine only when something crosses a threshold: line pressure over the occlusion limit (or back under 80 % ' +
      'of it), a detector (upstream, air, door) tripping or clearing, the battery low or empty, VTBI or a bolus delivered. Alarm ' +
      'persistence is in the machine, as `after` delays.',
    '',
    "*Downstream occlusion and line compliance.* A closed line stores what the pump pushes into the set's compliance " +
      `(${line.complianceMlPerMmHg * 1000} µL/mmHg) and its pressure rises toward the pump's maximum output ` +
      `(${line.maxMmHg} mmHg; ECRI's evaluation criteria, 2015: no more than 20 psi). When the line opens, the stored volume reaches ` +
      `the patient as a bolus (time constant ${line.relaxMs / 1000} s), and the dose account sees it: telemetry's \`delivered\` ` +
      'carries running totals, not just a rate. ECRI asks that this bolus be ≤ 0.5 mL. Compliance is the main cause of late ' +
      'occlusion alarms at low rates (Snijder et al., Biomed Tech 2015, a systematic review: alarm delays up to 117 min, on ' +
      'syringe set-ups).',
    '',
    `*Occlusion settings* (\`settings.alarms.occlusionLevel\`, default \`${s.alarms.occlusionLevel}\`): ECRI: the limit should go as ` +
      'low as 2 psi (103 mmHg); ≤ 4 psi (207 mmHg) is enough for most venous infusions, about 10 psi (517 mmHg) for epidural ' +
      `lines. Time from a closed line to the alarm (the crossing, plus ${persistence / 1000} s persistence), and the volume stored ` +
      'by then (the bolus a careless release delivers):',
    '',
    `| setting | limit | stored at the limit | ${RATES.map((r) => `${r} mL/h`).join(' | ')} |`,
    `| --- | --- | --- | ${RATES.map(() => '---').join(' | ')} |`,
    ...OCCLUSION_LEVELS.map(
      (level) =>
        `| ${level} | ${limits[level]} mmHg | ${stored(limits[level])} mL | ${RATES.map((r) => duration(timeToLimitMs(r, limits[level], line) + persistence)).join(' | ')} |`,
    ),
    '',
    "*Delivery accuracy.* Volumetric pumps claim about ±5 % under IEC 60601-2-24's test conditions (the intermediate rate, " +
      '25 mL/h for volumetric pumps; BD Alaris GP: "volumetric accuracy ±5 % (nominal)"). Each pump has a seeded, lasting error: a ' +
      `mechanism part (SD ${s.accuracy.mechanismSdPct} %) and a set part (SD ${s.accuracy.setSdPct} %), their sum kept within the claim ` +
      "(a pump or set outside it would fail the maker's release test or the hospital's maintenance check). Accuracy depends on " +
      'the rate and the accessories, most at low rates (Batista et al., Biomed Tech 2015;60(4):347–357), and on head height; no ' +
      'published coefficient was found for either, so below 25 mL/h the error grows as √(25 / rate) (our assumption, at most 3×) ' +
      "and head height is inside the set's spread. The envelope a healthy pump stays within, which dose-error checks should allow:",
    '',
    `| rate | ${RATES.map((r) => `${r} mL/h`).join(' | ')} |`,
    `| --- | ${RATES.map(() => '---').join(' | ')} |`,
    `| widening | ${RATES.map((r) => `×${lowRateWidening(r).toFixed(2)}`).join(' | ')} |`,
    `| healthy pump within | ${RATES.map((r) => `±${accuracyEnvelopePct(r, s.accuracy).toFixed(1)} %`).join(' | ')} |`,
    '',
    'The pump reports what it was told (its `volumeInfused` counts the programmed rate); only the patient, the twin and the dose ' +
      'account see the difference. `settings.accuracy` sets the SDs and the claim (0 for an ideal pump).',
    '',
  ];
}
