import type { LoggedEvent } from '../../core/event-log.ts';
import { SEVERITIES } from '../../defense/ids/rule.ts';
import type { Expectation } from '../schema.ts';
import { evidenceIds, fixed, formatSimTime, listSome, measuredValue } from './format.ts';
import { endOf, type Judge, type Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';

type NoFalseAlertsExpectation = Extract<Expectation, { type: 'no-false-alerts' }>;

const HOUR_MS = 3_600_000;

/**
 * `no-false-alerts`: IDS alerts above a severity that no attack explains, per hour of the run. An alert
 * is explained when it falls between an attack's launch and its end (`attack.launched` to
 * `attack.ended`, ground truth in the log); on a clean ward every alert counts.
 */
export function createNoFalseAlertsJudge(expectation: NoFalseAlertsExpectation): Judge {
  const { name, above, maxPerHour } = expectation;
  const floor = SEVERITIES.indexOf(above);
  const windows: { from: number; to: number | null; id: string }[] = [];
  const alerts: { id: number; t: number; rule: string; severity: string }[] = [];
  let lastT = 0;
  return {
    name,
    type: 'no-false-alerts',
    onEvents(batch: readonly LoggedEvent[]) {
      for (const event of batch) {
        lastT = event.t;
        if (event.source === 'adversary' && event.type === 'attack.launched')
          windows.push({ from: event.t, to: null, id: String(event.data.id) });
        else if (event.source === 'adversary' && event.type === 'attack.ended') {
          const open = windows.find((w) => w.to === null && w.id === String(event.data.id));
          if (open) open.to = event.t;
        } else if (event.type === 'ids.alert') {
          const severity = String(event.data.severity);
          if (SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]) > floor)
            alerts.push({ id: event.id, t: event.t, rule: String(event.data.rule), severity });
        }
      }
    },
    finish(context?: RunContext): Verdict {
      const end = endOf(context, lastT);
      const explained = (t: number) => windows.some((w) => t >= w.from && (w.to === null || t <= w.to));
      const falseAlerts = alerts.filter((a) => !explained(a.t));
      const hours = end / HOUR_MS;
      const rate = hours > 0 ? falseAlerts.length / hours : falseAlerts.length > 0 ? Number.POSITIVE_INFINITY : 0;
      const passed = rate <= maxPerHour;
      const listed = falseAlerts.map((a) => `${a.rule} (${a.severity}) at ${formatSimTime(a.t)}`);
      const message =
        `${falseAlerts.length} alert${falseAlerts.length === 1 ? '' : 's'} above ${above} outside every attack over ${fixed(hours, 2)} h: ` +
        `${fixed(rate, 3)} per hour ${passed ? '≤' : '>'} ${maxPerHour}` +
        (listed.length > 0 ? ` (${listSome(listed, 3)})` : '') +
        (alerts.length > falseAlerts.length ? `; ${alerts.length - falseAlerts.length} during attacks` : '');
      return {
        name,
        type: 'no-false-alerts',
        passed,
        measured: Number.isFinite(rate) ? measuredValue(rate) : null,
        threshold: `<= ${maxPerHour} per hour above ${above}`,
        message,
        evidence: evidenceIds(falseAlerts.map((a) => a.id)),
      };
    },
  };
}
