import type { LoggedEvent } from '../../core/event-log.ts';
import type { Expectation } from '../schema.ts';
import { describeDetections, pairIds } from './detection.ts';
import { DetectionTracker, describeSignal } from './detection-tracker.ts';
import { evidenceIds, formatDuration, formatSimTime, listSome } from './format.ts';
import { endOf, type Judge, type Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';

type NoDetectionExpectation = Extract<Expectation, { type: 'no-detection' }>;

/**
 * `no-detection`: none of the injections of `of` may be answered by the signal within `within` — e.g. a
 * suppressed alarm must never be announced. Vacuous runs fail: without an injection nothing was shown.
 */
export function createNoDetectionJudge(expectation: NoDetectionExpectation): Judge {
  const { name, of, expect, within } = expectation;
  const tracker = new DetectionTracker(of, expect, within);
  let lastT = 0;
  return {
    name,
    type: 'no-detection',
    onEvents(batch: readonly LoggedEvent[]) {
      tracker.onEvents(batch);
      if (batch.length > 0) lastT = batch[batch.length - 1]!.t;
    },
    finish(context?: RunContext): Verdict {
      const outcomes = tracker.outcomes(endOf(context, lastT));
      const threshold = `0 detections within ${formatDuration(within)}`;
      const signal = describeSignal(expect);
      if (outcomes.length === 0) {
        return {
          name,
          type: 'no-detection',
          passed: false,
          measured: null,
          threshold,
          message: `no injection of ${of} happened, so the absence of ${signal} shows nothing (no fault.injected with id or fault "${of}")`,
          evidence: [],
        };
      }
      const detected = outcomes.filter((o) => o.detected !== undefined);
      const passed = detected.length === 0;
      const message = passed
        ? `${signal} did not follow any of ${outcomes.length} injection${outcomes.length === 1 ? '' : 's'} of ${of} within ${formatDuration(within)} (${listSome(outcomes.map((o) => `${o.device} at ${formatSimTime(o.at)}`))})`
        : `${describeDetections(signal, of, within, detected)}: ${detected.length}/${outcomes.length} detected, expected none`;
      return {
        name,
        type: 'no-detection',
        passed,
        measured: detected.length,
        threshold,
        message,
        evidence: evidenceIds(passed ? pairIds(outcomes) : pairIds(detected)),
      };
    },
  };
}
