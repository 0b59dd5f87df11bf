import type { LoggedEvent } from '../../core/event-log.ts';
import type { Expectation } from '../schema.ts';
import { DetectionTracker, describeSignal, type DetectionOutcome } from './detection-tracker.ts';
import { evidenceIds, fixed, formatDuration, formatSimTime, listSome, measuredValue, quantile } from './format.ts';
import { endOf, type Judge, type Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';

type DetectionExpectation = Extract<Expectation, { type: 'detection' }>;

/**
 * `detection`: each injection of `of` must be answered on its device by the expected signal within
 * `within`; the fraction answered (sensitivity) must reach `minSensitivity`.
 */
export function createDetectionJudge(expectation: DetectionExpectation): Judge {
  const { name, of, expect, within, minSensitivity } = expectation;
  const tracker = new DetectionTracker(of, expect, within);
  let lastT = 0;
  return {
    name,
    type: 'detection',
    onEvents(batch: readonly LoggedEvent[]) {
      tracker.onEvents(batch);
      if (batch.length > 0) lastT = batch[batch.length - 1]!.t;
    },
    finish(context?: RunContext): Verdict {
      const outcomes = tracker.outcomes(endOf(context, lastT));
      const threshold = `sensitivity >= ${fixed(minSensitivity)} within ${formatDuration(within)}`;
      const signal = describeSignal(expect);
      const live = context?.live === true;
      if (outcomes.length === 0) {
        return {
          name,
          type: 'detection',
          passed: false,
          measured: null,
          threshold,
          message: live
            ? `waiting for ${of}: no injection of it yet`
            : `no injection of ${of} happened, so nothing could be detected (no fault.injected with id or fault "${of}")`,
          evidence: [],
          ...(live ? { pending: true } : {}),
        };
      }
      const detected = outcomes.filter((o) => o.detected !== undefined);
      const missed = outcomes.filter((o) => o.detected === undefined);
      const sensitivity = detected.length / outcomes.length;
      const passed = sensitivity >= minSensitivity;
      // Live, a window still open may yet be answered: failing now is not failing.
      const open = missed.filter((o) => o.truncated).length;
      const pending = live && !passed && (detected.length + open) / outcomes.length >= minSensitivity;
      const verdict = `${detected.length}/${outcomes.length} detected, sensitivity ${fixed(sensitivity)} ${passed ? '≥' : '<'} ${fixed(minSensitivity)}`;
      const message = [`${describeDetections(signal, of, within, detected)}: ${verdict}`, describeMissed(missed)]
        .filter(Boolean)
        .join('; ');
      // A failure is decided by what was missed; a pass by the injection/detection pairs.
      const evidence = passed ? pairIds(outcomes) : pairIds([...missed, ...detected]);
      const latencies = detected.map((o) => o.detected!.t - o.at).sort((a, b) => a - b);
      const figures: Record<string, number> = { sensitivity, injections: outcomes.length };
      if (latencies.length > 0) {
        figures.latencyP50Ms = quantile(latencies, 0.5);
        figures.latencyMaxMs = latencies[latencies.length - 1]!;
      }
      return {
        name,
        type: 'detection',
        passed,
        measured: measuredValue(sensitivity),
        threshold,
        message,
        evidence: evidenceIds(evidence),
        figures,
        ...(pending ? { pending: true } : {}),
      };
    },
  };
}

/** "X raised on pump-003 2m14s after F (within 5m)" or, for several, latency p50/max. */
export function describeDetections(signal: string, of: string, within: number, detected: readonly DetectionOutcome[]): string {
  if (detected.length === 0) return `${signal} never followed ${of} within ${formatDuration(within)}`;
  const latencies = detected.map((o) => o.detected!.t - o.at).sort((a, b) => a - b);
  if (detected.length === 1) {
    return `${signal} on ${detected[0]!.device} ${formatDuration(latencies[0]!)} after ${of} (within ${formatDuration(within)})`;
  }
  return `${signal} after ${of} (within ${formatDuration(within)}), latency p50 ${formatDuration(quantile(latencies, 0.5))}, max ${formatDuration(latencies[latencies.length - 1]!)}`;
}

/** "missed on pump-004 at 00:10:00, ..." (with a note when the run ended inside the window). */
export function describeMissed(missed: readonly DetectionOutcome[]): string {
  if (missed.length === 0) return '';
  const items = missed.map((o) => `${o.device} at ${formatSimTime(o.at)}${o.truncated ? ' (run ended inside the window)' : ''}`);
  return `missed on ${listSome(items)}`;
}

/** Injection ids followed by their detection ids. */
export function pairIds(outcomes: readonly DetectionOutcome[]): number[] {
  return outcomes.flatMap((o) => (o.detected ? [o.injectionEventId, o.detected.eventId] : [o.injectionEventId]));
}
