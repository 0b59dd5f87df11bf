import { alarmsMissed } from './alarms-missed.ts';
import { compromisedFirmware } from './compromised-firmware.ts';
import { devicesUnavailable } from './devices-unavailable.ts';
import { doseExcess } from './dose-excess.ts';
import { glucoseBelow54 } from './glucose-below-54.ts';
import type { ImpactMetric } from './metric.ts';
import { recordsExposed } from './records-exposed.ts';
import { stationUnalarmedDesaturation } from './station-unalarmed-desaturation.ts';
import { therapyInterruption } from './therapy-interruption.ts';
import { timeToContainment } from './time-to-containment.ts';
import { timeToDetection } from './time-to-detection.ts';
import { unalarmedDesaturation } from './unalarmed-desaturation.ts';

/** Every clinical-impact and response metric, by name (one file each). */
export const IMPACT_METRICS = {
  'dose-excess': doseExcess,
  'glucose-below-54-minutes': glucoseBelow54,
  'unalarmed-desaturation-minutes': unalarmedDesaturation,
  'station-unalarmed-desaturation-minutes': stationUnalarmedDesaturation,
  'therapy-interruption-minutes': therapyInterruption,
  'alarms-missed': alarmsMissed,
  'devices-unavailable-minutes': devicesUnavailable,
  'compromised-firmware-minutes': compromisedFirmware,
  'records-exposed': recordsExposed,
  'time-to-detection': timeToDetection,
  'time-to-containment': timeToContainment,
} as const satisfies Record<string, ImpactMetric>;

export type ImpactMetricName = keyof typeof IMPACT_METRICS;
export const IMPACT_METRIC_NAMES = Object.keys(IMPACT_METRICS) as ImpactMetricName[];
