import { InputError, nearestName } from '../../core/errors.ts';
import { IMPACT_METRICS } from '../../defense/impact/registry.ts';
import { createImpactMetricJudge } from './impact-metric.ts';
import type { Expectation } from '../schema.ts';
import { fixed, listSome, measuredValue, withinBounds } from './format.ts';
import type { Judge, JudgeEnv, Verdict } from './judge.ts';
import { deliveryOf, type RunContext } from './run-context.ts';
import { describeSelector } from './select.ts';

type MetricExpectation = Extract<Expectation, { type: 'metric' }>;

const AGGREGATES = {
  mean: (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length,
  max: (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x), Number.NEGATIVE_INFINITY),
  min: (xs: readonly number[]) => xs.reduce((m, x) => Math.min(m, x), Number.POSITIVE_INFINITY),
  sum: (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0),
} as const;

/**
 * `metric`: a registered per-device figure (MARD, time in range, dose error...) over the selected
 * devices, combined with `aggregate` and held to `min`/`max`. Devices without a value for it (a pump
 * has no MARD) are left out; if none has one the expectation fails rather than passing vacuously.
 */
export function createMetricJudge(expectation: MetricExpectation, env: JudgeEnv): Judge {
  const { name, metric, target, aggregate, min, max } = expectation;
  const definition = env.metrics[metric];
  if (definition === undefined && Object.hasOwn(IMPACT_METRICS, metric))
    return createImpactMetricJudge(expectation, IMPACT_METRICS[metric as keyof typeof IMPACT_METRICS], env);
  if (expectation.of !== undefined)
    throw new InputError(
      'E_METRIC_OF',
      `expectation "${name}": \`of\` applies to clinical-impact metrics (${Object.keys(IMPACT_METRICS).join(', ')}), not to ${metric}`,
    );
  if (definition === undefined) {
    const names = [...Object.keys(env.metrics), ...Object.keys(IMPACT_METRICS)];
    const hint = nearestName(metric, names);
    throw new InputError(
      'E_UNKNOWN_METRIC',
      `expectation "${name}": unknown metric "${metric}"${hint ? ` — did you mean "${hint}"?` : ''} (metrics: ${names.join(', ')})`,
    );
  }
  const devices = env.select(target, name);
  const book = env.tallies();
  return {
    name,
    type: 'metric',
    onEvents(batch) {
      book.feed(batch);
    },
    finish(context: RunContext = {}): Verdict {
      const endMs = context.simulatedMs ?? book.endMs;
      const unit = definition.unit === '' ? '' : definition.unit === '%' ? ' %' : ` ${definition.unit}`;
      const bounds = [min !== undefined ? `>= ${min}` : undefined, max !== undefined ? `<= ${max}` : undefined].filter(Boolean);
      const threshold = `${aggregate} ${bounds.join(' and ')}${unit}`;
      const values: { device: string; value: number }[] = [];
      for (const d of devices) {
        const tally = book.get(d.id);
        const delivery = deliveryOf({ ...context, simulatedMs: endMs }, d.id);
        const value = tally ? definition.value(tally, { endMs, ...(delivery ? { delivery } : {}) }) : undefined;
        if (value !== undefined && Number.isFinite(value)) values.push({ device: d.id, value });
      }
      if (values.length === 0) {
        const kinds = definition.kinds ? ` (it applies to ${definition.kinds.join(', ')})` : '';
        return {
          name,
          type: 'metric',
          passed: false,
          measured: null,
          threshold,
          message: `no selected device (${describeSelector(target)}, ${devices.length} devices) has a value for ${metric}${kinds}`,
          evidence: [],
        };
      }
      const result = AGGREGATES[aggregate](values.map((v) => v.value));
      const { passed, low, comparison } = withinBounds(result, min, max);
      const over = values.length === 1 ? `on ${values[0]!.device}` : `over ${values.length} devices`;
      const label = values.length === 1 ? metric : `${aggregate} ${metric}`;
      // When failing, name the devices that pull the figure the wrong way.
      const worst = values
        .slice()
        .sort((a, b) => (low ? a.value - b.value : b.value - a.value))
        .map((v) => `${v.device} ${fixed(v.value)}${unit}`);
      const message = `${label} ${over} ${fixed(result)}${unit} ${comparison}${!passed && values.length > 1 ? ` (worst: ${listSome(worst, 3)})` : ''}`;
      const verdict: Verdict = { name, type: 'metric', passed, measured: measuredValue(result), threshold, message, evidence: [] };
      // Judged live (the TUI): a figure still under its minimum may yet reach it (the loss a fault is
      // still to cause, a count still to grow), so it is undecided, not failed. Over a maximum stays a
      // failure so far.
      if (context.live === true && !passed && low) verdict.pending = true;
      return verdict;
    },
  };
}
