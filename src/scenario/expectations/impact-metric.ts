import type { LoggedEvent, SimEvent } from '../../core/event-log.ts';
import type { ImpactMetric } from '../../defense/impact/metric.ts';
import type { Expectation } from '../schema.ts';
import { AttackLaunches } from './attack-launches.ts';
import { fixed, formatSimTime, listSome, measuredValue, withinBounds } from './format.ts';
import { endOf, type Judge, type JudgeEnv, type Verdict } from './judge.ts';
import { keepForImpact } from './prevented.ts';
import type { RunContext } from './run-context.ts';
import { describeSelector } from './select.ts';

type MetricExpectation = Extract<Expectation, { type: 'metric' }>;

const AGGREGATES = {
  mean: (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length,
  max: (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x), Number.NEGATIVE_INFINITY),
  min: (xs: readonly number[]) => xs.reduce((m, x) => Math.min(m, x), Number.POSITIVE_INFINITY),
  sum: (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0),
} as const;

/**
 * `metric` naming a clinical-impact metric (src/defense/impact): computed from the event log against
 * ground truth for each patient of the selected devices, across all of that patient's devices (a pump
 * attack's harm shows on the same patient's CGM), combined over patients with `aggregate` and held to
 * `min`/`max`. The window runs from the first launch of `of` (default: the run's first attack, else
 * the run's start) to the end of the run. Patients with nothing to judge (no samples of the signal)
 * are left out; if none has a value the expectation fails rather than passing vacuously.
 */
export function createImpactMetricJudge(expectation: MetricExpectation, metric: ImpactMetric, env: JudgeEnv): Judge {
  const { name, target, aggregate, min, max, of } = expectation;
  const devices = env.select(target, name).map((d) => d.id);
  const patients = env.patients.patientsOf(devices);
  const watched = new Set(patients.flatMap((p) => p.devices));
  const launches = of === undefined ? undefined : new AttackLaunches(of);
  const kept: SimEvent[] = [];
  let firstAttack: number | undefined;
  let lastT = 0;
  return {
    name,
    type: 'metric',
    onEvents(batch: readonly LoggedEvent[]) {
      for (const event of batch) {
        lastT = event.t;
        launches?.onEvent(event);
        if (event.source === 'adversary' && event.type === 'attack.launched') firstAttack ??= event.t;
        if (!keepForImpact(event)) continue;
        // The selected patients' devices' own events; the twin's flags and the adversary's record name devices in their data.
        if (event.source === 'twin' || event.source === 'adversary' || watched.has(event.source)) kept.push(event);
      }
    },
    finish(context?: RunContext): Verdict {
      const end = endOf(context, lastT);
      const unit = metric.unit === '' ? '' : ` ${metric.unit}`;
      const bounds = [min !== undefined ? `>= ${min}` : undefined, max !== undefined ? `<= ${max}` : undefined].filter(Boolean);
      const threshold = `${aggregate} ${bounds.join(' and ')}${unit} per patient`;
      let from = firstAttack ?? 0;
      if (launches !== undefined) {
        const first = launches.all[0];
        if (first === undefined)
          return { name, type: 'metric', passed: false, measured: null, threshold, message: `${of} was never launched`, evidence: [] };
        from = first.at;
      }
      const values: { patient: string; value: number }[] = [];
      for (const patient of patients) {
        const value = metric.compute(kept, { devices: patient.devices, from, to: end, patientOf: env.patients.patientOf });
        if (value !== null && Number.isFinite(value)) values.push({ patient: patient.patientId, value });
      }
      const span = `from ${formatSimTime(from)} to ${formatSimTime(end)}`;
      if (values.length === 0) {
        return {
          name,
          type: 'metric',
          passed: false,
          measured: null,
          threshold,
          message: `no patient of the selected devices (${describeSelector(target)}, ${patients.length} patients) has a value for ${metric.name} ${span}`,
          evidence: [],
        };
      }
      const result = AGGREGATES[aggregate](values.map((v) => v.value));
      const { passed, low, comparison } = withinBounds(result, min, max);
      const over = values.length === 1 ? `for ${values[0]!.patient}` : `over ${values.length} patients`;
      const label = values.length === 1 ? metric.name : `${aggregate} ${metric.name}`;
      const worst = values
        .slice()
        .sort((a, b) => (low ? a.value - b.value : b.value - a.value))
        .map((v) => `${v.patient} ${fixed(v.value)}${unit}`);
      const message =
        `${label} ${over} ${fixed(result)}${unit} ${comparison} ${span}` +
        (!passed && values.length > 1 ? ` (worst: ${listSome(worst, 3)})` : '');
      return { name, type: 'metric', passed, measured: measuredValue(result), threshold, message, evidence: [] };
    },
  };
}
