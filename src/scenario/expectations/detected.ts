import type { LoggedEvent } from '../../core/event-log.ts';
import { ATTACKS } from '../../defense/attacks/registry.ts';
import type { Expectation } from '../schema.ts';
import { AttackLaunches } from './attack-launches.ts';
import { evidenceIds, formatDuration, formatSimTime, listSome, measuredValue, quantile } from './format.ts';
import type { Judge, Verdict } from './judge.ts';

type DetectedExpectation = Extract<Expectation, { type: 'detected' }>;

/**
 * `detected`: the IDS raised an alert by one of the attack's rules (its catalogue entry's `detectedBy`,
 * or `rules`) within `within` of every launch of `of`. Measured: the mean time to detection (MTTD,
 * seconds of simulated time); the message gives p50 and p95 too. Vacuous runs fail.
 */
export function createDetectedJudge(expectation: DetectedExpectation): Judge {
  const { name, of, within } = expectation;
  const launches = new AttackLaunches(of);
  const alerts: { id: number; t: number; rule: string }[] = [];
  return {
    name,
    type: 'detected',
    onEvents(batch: readonly LoggedEvent[]) {
      for (const event of batch) {
        launches.onEvent(event);
        if (event.type === 'ids.alert' && typeof event.data.rule === 'string')
          alerts.push({ id: event.id, t: event.t, rule: event.data.rule });
      }
    },
    finish(): Verdict {
      const all = launches.all;
      const threshold = `alerted within ${formatDuration(within)}`;
      if (all.length === 0)
        return { name, type: 'detected', passed: false, measured: null, threshold, message: `${of} was never launched`, evidence: [] };
      const outcomes = all.map((launch) => {
        const rules = expectation.rules ?? [
          ...((ATTACKS as Record<string, { detectedBy: readonly string[] }>)[launch.attack]?.detectedBy ?? []),
        ];
        const hit = alerts.find((a) => a.t >= launch.at && a.t <= launch.at + within && rules.includes(a.rule));
        return { launch, hit, rules };
      });
      const missed = outcomes.filter((o) => o.hit === undefined);
      const delays = outcomes.flatMap((o) => (o.hit === undefined ? [] : [(o.hit.t - o.launch.at) / 1000])).sort((a, b) => a - b);
      const mttd = delays.length === 0 ? null : delays.reduce((a, b) => a + b, 0) / delays.length;
      const figures =
        delays.length === 0 ? '' : `MTTD ${fixedS(mttd!)} (p50 ${fixedS(quantile(delays, 0.5))}, p95 ${fixedS(quantile(delays, 0.95))})`;
      const passed = missed.length === 0;
      const message = passed
        ? `${all.length} of ${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} detected: ${figures}`
        : `${missed.length} of ${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} not detected within ${formatDuration(within)} by ` +
          `${listSome(missed[0]!.rules, 4)} (${listSome(
            missed.map((m) => `at ${formatSimTime(m.launch.at)}`),
            3,
          )})` +
          (figures ? `; the others: ${figures}` : '');
      return {
        name,
        type: 'detected',
        passed,
        measured: mttd === null ? null : measuredValue(mttd),
        threshold,
        message,
        evidence: evidenceIds(outcomes.flatMap((o) => (o.hit ? [o.launch.eventId, o.hit.id] : [o.launch.eventId]))),
      };
    },
  };
}

function fixedS(seconds: number): string {
  return `${Number(seconds.toFixed(1))} s`;
}
