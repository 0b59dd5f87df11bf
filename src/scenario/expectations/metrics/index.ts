import { isVulnerable } from '../../../net/security/firmware/catalogue.ts';
import type { DeliveryCounts } from '../run-context.ts';
import type { DeviceTally } from './device-tally.ts';

export { DeviceTally } from './device-tally.ts';
export { TallyBook } from './tally-book.ts';

/** What a metric may use besides the device's tally. */
export interface MetricContext {
  /** Simulated length of the run, ms. */
  endMs: number;
  /** The device's publish/delivery counts and link figures, when the run supplied them (run-context.ts). */
  delivery?: DeliveryCounts;
}

/** A named per-device figure that `metric` expectations bound and aggregate over devices. */
export interface MetricDefinition {
  summary: string;
  unit: string;
  /** Device kinds it has values for (documentation; devices without a value are skipped). */
  kinds?: readonly string[];
  /** The device's value, or undefined when it has none (wrong kind, no data). */
  value(tally: DeviceTally, context: MetricContext): number | undefined;
}

const CGM = ['cgm'] as const;
const MONITOR = ['patient-monitor'] as const;

function glycaemic(pick: (g: NonNullable<ReturnType<DeviceTally['glycaemic']>>) => number, summary: string, unit = '%'): MetricDefinition {
  return { summary, unit, kinds: CGM, value: (t) => nonEmpty(t.glycaemic(), pick) };
}

function meanAbsoluteError(signal: string, unit: string): MetricDefinition {
  return {
    summary: `Mean absolute error of the monitor's ${signal} against the patient's true ${signal}`,
    unit,
    kinds: MONITOR,
    value: (t) => t.meanAbsoluteError(signal),
  };
}

function nonEmpty<T extends { n: number }>(summary: T | undefined, pick: (s: T) => number): number | undefined {
  return summary && summary.n > 0 ? pick(summary) : undefined;
}

/**
 * The metric registry. Glycaemic ranges and risk indices: Battelino 2019 (time in range consensus),
 * Kovatchev 1997 (LBGI/HBGI); accuracy: MARD and the Clarke error grid (src/physiology/metrics.ts).
 */
export const METRICS = {
  mard: {
    summary: 'Mean absolute relative difference of CGM readings against true glucose',
    unit: '%',
    kinds: CGM,
    value: (t) => nonEmpty(t.glucoseAccuracy(), (a) => a.mard),
  },
  'clarke-a': {
    summary: 'CGM readings in Clarke zone A',
    unit: '%',
    kinds: CGM,
    value: (t) => nonEmpty(t.glucoseAccuracy(), (a) => a.clarke.A),
  },
  'clarke-ab': {
    summary: 'CGM readings in Clarke zones A and B (clinically acceptable)',
    unit: '%',
    kinds: CGM,
    value: (t) => nonEmpty(t.glucoseAccuracy(), (a) => a.clarke.A + a.clarke.B),
  },
  'time-in-range': glycaemic((g) => g.inRange, "Patient's true glucose in 70–180 mg/dL"),
  'time-below-70': glycaemic((g) => g.below70, "Patient's true glucose below 70 mg/dL"),
  'time-below-54': glycaemic((g) => g.below54, "Patient's true glucose below 54 mg/dL"),
  'time-above-180': glycaemic((g) => g.above180, "Patient's true glucose above 180 mg/dL"),
  'time-above-250': glycaemic((g) => g.above250, "Patient's true glucose above 250 mg/dL"),
  lbgi: glycaemic((g) => g.lbgi, 'Low blood glucose index of the true glucose (Kovatchev)', ''),
  hbgi: glycaemic((g) => g.hbgi, 'High blood glucose index of the true glucose (Kovatchev)', ''),
  'mean-glucose': glycaemic((g) => g.mean, "Mean of the patient's true glucose", 'mg/dL'),
  'dose-error': {
    summary:
      'Absolute difference of the volume that reached the patient and the volume the pump meant to give (its driving rate over time)',
    unit: '%',
    kinds: ['infusion-pump'],
    value: (t) => t.dose()?.errorPct,
  },
  'data-loss': {
    summary: 'Messages the device published that never reached the twin',
    unit: '%',
    value: (_t, c) =>
      c.delivery && c.delivery.published > 0
        ? (100 * Math.max(0, c.delivery.published - c.delivery.deliveredToTwin)) / c.delivery.published
        : undefined,
  },
  'backfill-complete': {
    summary:
      'Messages the device generated while offline (held in its store-and-forward buffer) that reached the twin in the end; devices that held none have no value',
    unit: '%',
    value: (_t, c) => (c.delivery?.held ? (100 * (c.delivery.backfilled ?? 0)) / c.delivery.held : undefined),
  },
  'max-staleness': {
    summary:
      'The longest the twin went without fresh telemetry from the device (from the newest reading it had, when sent, to the next one’s arrival or the end of the run), simulated',
    unit: 's',
    value: (_t, c) => (c.delivery?.longestSilenceMs === undefined ? undefined : c.delivery.longestSilenceMs / 1000),
  },
  duplicates: {
    summary: 'Copies the twin received of messages from the device it had already received (the delivery ledger)',
    unit: '',
    value: (_t, c) => c.delivery?.duplicates,
  },
  'out-of-order': {
    summary: 'Telemetry readings the twin received after later ones had overtaken them (counted once, not as lost)',
    unit: '',
    value: (_t, c) => c.delivery?.outOfOrder,
  },
  'stale-fraction': {
    summary: 'Fraction of the run the twin had the device stale',
    unit: '',
    value: (t, c) => (c.endMs > 0 ? t.staleMs(c.endMs) / c.endMs : undefined),
  },
  alarms: { summary: 'Alarms the device announced (suppressed ones not counted)', unit: '', value: (t) => t.alarmsAnnounced },
  'alarms-suppressed': { summary: 'Alarms the device raised but did not announce', unit: '', value: (t) => t.alarmsSuppressed },
  'firmware-installs': { summary: 'Firmware images the device installed and booted', unit: '', value: (t) => t.firmwareInstalls },
  'firmware-rollbacks': {
    summary: 'Installs that failed to boot and went back to the previous image',
    unit: '',
    value: (t) => t.firmwareRollbacks,
  },
  'firmware-failed-installs': {
    summary: 'Installs that failed to boot and left the device down (no rollback)',
    unit: '',
    value: (t) => t.firmwareFailedInstalls,
  },
  'firmware-refused': {
    summary: 'Firmware images the device refused (unsigned, tampered, downgraded...)',
    unit: '',
    value: (t) => t.firmwareRefused,
  },
  'vulnerable-firmware': {
    summary:
      'Whether the device ends the run on firmware the advisory catalogue marks vulnerable, or on an image that is not the vendor’s (1) or not (0); devices that never reported a version have no value',
    unit: '',
    value: (t) => (t.firmware === undefined ? undefined : !t.firmwareGenuine || isVulnerable(t.kind, t.firmware) ? 1 : 0),
  },
  'mae-hr': meanAbsoluteError('hr', 'bpm'),
  'mae-spo2': meanAbsoluteError('spo2', '%'),
  'mae-rr': meanAbsoluteError('rr', '/min'),
  'mae-temp': meanAbsoluteError('temp', '°C'),
  'mae-sbp': meanAbsoluteError('sbp', 'mmHg'),
  'mae-dbp': meanAbsoluteError('dbp', 'mmHg'),
  'mae-map': meanAbsoluteError('map', 'mmHg'),
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
export type MetricRegistry = Readonly<Record<string, MetricDefinition>>;

/** Metric names a scenario may use (the loader checks `metric:` against these). */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
