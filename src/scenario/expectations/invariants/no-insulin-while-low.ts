import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { formatDuration, formatSimTime } from '../format.ts';
import { num, telemetryOf } from '../event-data.ts';
import { defineInvariant, ViolationLog } from './invariant.ts';

/**
 * Insulin must be suspended when the patient is low: low-glucose suspend (e.g. Medtronic 530G's
 * threshold suspend, FDA 2013) stops basal delivery at a sensor low; ADA hypoglycaemia level 1 is
 * < 70 mg/dL. Glucose comes from the CGM readings of the pump's patient (or the true glucose).
 */
export const noInsulinWhileLow = defineInvariant({
  summary: 'No pump delivers insulin to a patient whose glucose has been below the threshold for longer than maxMs',
  params: z.strictObject({
    thresholdMgDl: z.number().positive().default(70),
    maxMs: durationSchema.default(15 * 60_000),
    /** Judge on what the CGM showed (reading) or on the patient's true glucose (truth). */
    source: z.enum(['reading', 'truth']).default('reading'),
    /** Drug names (case-insensitive substring) that count as insulin. */
    drug: z.string().default('insulin'),
  }),
  describe: (p) => `no insulin reaches a patient below ${p.thresholdMgDl} mg/dL (${p.source}) for over ${formatDuration(p.maxMs)}`,
  create(params, env) {
    const selected = new Set(env.devices.map((d) => d.id));
    const drug = params.drug.toLowerCase();
    const low = new Map<string, { since: number; id: number }>();
    /** Selected pumps per patient, with the event that showed them delivering insulin (if they are). */
    const pumps = new Map<string, Map<string, { insulinId: number | undefined; insulinSince: number; reported: boolean }>>();
    const violations = new ViolationLog();

    /** Pumps of the patient delivering insulin at `t` after glucose has been low longer than maxMs. */
    const breaches = (patient: string, t: number, id: number) => {
      const since = low.get(patient);
      if (since === undefined || t - since.since <= params.maxMs) return [];
      return [...(pumps.get(patient) ?? [])]
        .filter(([, pump]) => pump.insulinId !== undefined && !pump.reported)
        .map(([device, pump]) => ({
          pump,
          violation: {
            device,
            at: Math.max(since.since + params.maxMs, pump.insulinSince),
            evidence: [since.id, pump.insulinId!, id],
            detail: `${device} delivered insulin to ${patient}, below ${params.thresholdMgDl} mg/dL since ${formatSimTime(since.since)}, for over ${formatDuration(params.maxMs)}`,
          },
        }));
    };

    return {
      violations,
      onEvent(event) {
        if (event.type !== 'telemetry') return;
        const device = env.deviceById.get(event.source);
        if (!device) return;
        const patient = device.patientId;
        const { body, truth, delivered } = telemetryOf(event);
        const glucose = num(params.source === 'reading' ? body.glucose : truth.glucose);
        if (glucose !== undefined && glucose < params.thresholdMgDl) {
          if (!low.has(patient)) low.set(patient, { since: event.t, id: event.id });
        } else if (glucose !== undefined && low.delete(patient)) {
          for (const pump of pumps.get(patient)?.values() ?? []) pump.reported = false;
        }
        if (delivered && selected.has(device.id)) {
          const byDevice = pumps.get(patient) ?? new Map();
          pumps.set(patient, byDevice);
          const pump = byDevice.get(device.id) ?? { insulinId: undefined, insulinSince: event.t, reported: false };
          byDevice.set(device.id, pump);
          const insulin = delivered.drug.toLowerCase().includes(drug) && delivered.rateMlPerH > 0;
          if (!insulin) Object.assign(pump, { insulinId: undefined, reported: false });
          else if (pump.insulinId === undefined) Object.assign(pump, { insulinId: event.id, insulinSince: event.t });
        }
        for (const { pump, violation } of breaches(patient, event.t, event.id)) {
          pump.reported = true;
          violations.add(violation);
        }
      },
      pending(endMs) {
        return [...low].flatMap(([patient, since]) => breaches(patient, endMs, since.id).map((b) => b.violation));
      },
    };
  },
});
