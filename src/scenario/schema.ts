import semver from 'semver';
import { z } from 'zod';
import { fileDurationSchema as durationSchema } from '../core/duration-schema.ts';
import { fleetSpecSchema, kindConfigSchema, zoneSpecSchema } from '../fleet/fleet-spec.ts';
import { TARGET_KINDS } from '../inject/target.ts';
import { parsePersistence } from '../net/broker-persistence.ts';
import { securitySchema } from '../net/security/profile-schema.ts';

const countWindow = z.strictObject({ count: z.number().int().positive(), windowMs: z.number().int().positive() });

/** The intrusion detector's thresholds a scenario may override (src/defense/ids/thresholds.ts; docs/attacks.md). */
const idsThresholdsSchema = z
  .strictObject({
    authFailures: countWindow,
    publishFlood: countWindow,
    connectFlood: countWindow,
    slowConnections: z.strictObject({ count: z.number().int().positive(), keepaliveS: z.number().int().min(0) }),
    maxTelemetryPerSecond: z.number().positive(),
    seqSlack: z.number().int().min(0),
    commandFreshnessMs: z.number().int().positive(),
    nonceMemoryMs: z.number().int().positive(),
    realertMs: z.number().int().min(0),
  })
  .partial();

/**
 * Limits of the run's embedded broker a scenario may set (src/net/broker-limits.ts). A hospital's
 * broker is sized for its fleet (Mosquitto's `max_connections`, EMQX's `max_connections` per
 * listener): an attack that exhausts connection slots (attack.slowite) needs that cap to be real.
 */
const brokerSchema = z.strictObject({
  maxConnections: z
    .number()
    .int()
    .positive()
    .max(100_000)
    .optional()
    .describe('Connections the broker holds open at once; more are refused at accept (default: the descriptor limit less a reserve)'),
  // Where it keeps sessions, QoS 1 queues and retained messages across a restart (docs/network.md#broker-restart-and-persistence).
  persistence: z
    .string()
    .transform((value, ctx) => {
      try {
        return parsePersistence(value, 'persistence');
      } catch (error) {
        // The diagnostic names the field itself (file:line:col broker.persistence: ...).
        const message = error instanceof Error ? error.message : String(error);
        ctx.addIssue({ code: 'custom', message: message.replace(/^persistence: /, '') });
        return z.NEVER;
      }
    })
    .optional()
    .describe(
      '"memory" (the default: nothing survives a restart) or a Redis URL like redis://127.0.0.1:6379 (sessions, QoS 1 queues and retained messages survive)',
    ),
});
export type BrokerSetting = z.infer<typeof brokerSchema>;

const idsSchema = z.union([z.boolean(), z.strictObject({ thresholds: idsThresholdsSchema.optional() })]);
export type IdsSetting = z.infer<typeof idsSchema>;

/**
 * The scenario file format (docs/scenarios.md). Structure only: names that refer to registries (fault
 * names and their params, device kinds, device ids) are checked in a second pass by the loader, so
 * that errors can list the valid names.
 */

const selectorFields = {
  device: z.union([z.string(), z.array(z.string())]).optional(),
  kind: z.string().optional(),
  zone: z.string().optional(),
  tag: z.string().optional(),
  /** Pick this many of the matching devices, sampled with the scenario's seeded RNG. */
  count: z.number().int().positive().optional(),
  /** Pick this fraction (0–1] of the matching devices, at least one. */
  fraction: z.number().gt(0).max(1).optional(),
};

const oneOfCountOrFraction = {
  check: (s: { count?: number; fraction?: number }) => s.count === undefined || s.fraction === undefined,
  message: 'give either count or fraction, not both',
};

/** Which devices an injection or expectation is about. All given fields must match. */
export const selectorSchema = z
  .object(selectorFields)
  .strict()
  .refine(oneOfCountOrFraction.check, { message: oneOfCountOrFraction.message });

/**
 * What an injection acts on: a selector, and `scope`, the kind of target — the selected devices
 * themselves (`device`), their links to the broker (`link`), the zones they pick (`zone`: by `zone` or
 * `tag`), the broker (`site`) or the twin (`twin`). Without `scope`, the fault's first accepted kind.
 */
export const targetSchema = z
  .object({
    ...selectorFields,
    scope: z
      .enum(TARGET_KINDS)
      .optional()
      .describe(
        "What the fault acts on: device, link (a device's connection), zone, site (the broker) or twin; default: the fault's first",
      ),
  })
  .strict()
  .refine(oneOfCountOrFraction.check, { message: oneOfCountOrFraction.message });

/** Triggers an injection when an event happens instead of at a time. */
export const triggerSchema = z
  .object({
    /** Event type, e.g. "alarm.raised", "twin.stale", "fault.injected". */
    event: z.string(),
    /** Only events from this device (or kind/zone, via the source device). */
    device: z.string().optional(),
    /** Only alarms with this code. */
    code: z.string().optional(),
    /** Wait this long after the trigger event. */
    delay: durationSchema.optional(),
    /** At most this many firings (default 1). */
    times: z.number().int().positive().default(1),
  })
  .strict();

export const timelineEntrySchema = z
  .object({
    /** A name for the injection, used by expectations (`of: occlusion-1`). Defaults to "<fault>#<index>". */
    id: z.string().optional(),
    at: durationSchema.optional(),
    every: durationSchema.optional(),
    /** Ends a repeating entry. */
    until: durationSchema.optional(),
    /** The injection reverts after this long. Without it, it lasts to the end of the run. */
    for: durationSchema.optional(),
    when: triggerSchema.optional(),
    /** A registered fault or attack (`medtwin list faults`). */
    fault: z.string().describe('A registered fault or attack; `medtwin list faults` lists them'),
    target: targetSchema.default({}),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((e) => e.at !== undefined || e.when !== undefined || e.every !== undefined, {
    message: 'give "at", "every" or "when" — when should the fault start?',
  });

/** A command sent to devices through the twin at a time, like a clinician at the central station. */
export const commandEntrySchema = z
  .object({
    at: durationSchema,
    target: selectorSchema,
    command: z.record(z.string(), z.unknown()),
  })
  .strict();

/**
 * One stage of a patch campaign: the devices of the campaign's kind it offers the image to (by zone,
 * tag or id; optionally a count or fraction of them), `after` the campaign starts.
 */
export const campaignStageSchema = z
  .object({
    device: selectorFields.device,
    zone: selectorFields.zone,
    tag: selectorFields.tag,
    count: selectorFields.count,
    fraction: selectorFields.fraction,
    after: durationSchema.default(0).describe("When this stage starts, counted from the campaign's `at`"),
  })
  .strict()
  .refine(oneOfCountOrFraction.check, { message: oneOfCountOrFraction.message });

/**
 * A patch campaign (docs/security.md#patch-campaigns): the biomed team offers one vendor-signed image
 * to a kind of device, stage by stage. Each device's install may fail (seeded, `failureRate`); a failed
 * install goes back to the image it ran (`rollback`) or leaves the device down. The intrusion detector
 * is told each stage's change window, so the version changes it brings are expected.
 */
export const campaignSchema = z
  .object({
    /** A name for reports and the IDS's change record. Defaults to "campaign#<index>". */
    id: z.string().optional(),
    at: durationSchema.describe('When the first stage starts'),
    kind: z.string().describe('The device kind the image is built for'),
    to: z
      .string()
      .refine((v) => semver.valid(v) !== null, { message: 'expected a version like "3.3.0" (semver)' })
      .describe('The firmware version the campaign installs'),
    stages: z.array(campaignStageSchema).min(1).describe('Which devices, when'),
    failureRate: z.number().min(0).max(1).default(0).describe("Chance that one device's install fails to boot (seeded per device)"),
    rollback: z
      .boolean()
      .default(true)
      .describe('A failed install goes back to the previous image (A/B slots); false: the device stays down'),
    window: durationSchema
      .default(1_800_000)
      .describe('How long after a stage starts its version changes are expected (the change window the IDS is told); default 30m'),
  })
  .strict();

export const mealSchema = z.object({ at: durationSchema, carbs: z.number().positive().max(300) }).strict();

export const patientEventSchema = z
  .object({
    /** Patient id (P-001), or a device selector whose patients it applies to. */
    patient: z.string().optional(),
    target: selectorSchema.optional(),
    /** A clinical event: desaturation, tachycardia, bradycardia, hypotension, hypertension, fever... */
    event: z.string(),
    at: durationSchema,
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const patientsSchema = z
  .object({
    /** Random meals in simglucose's style for every patient with a glucose model. Default true. */
    randomMeals: z.boolean().default(true),
    /**
     * How patients with a glucose model are dosed: `prescribed` (default) — a basal rate and carb ratio
     * that miss their true needs, and meals counted with an error, as real patients' are; `exact` — the
     * doses that hold them steady, for scenarios that isolate a sensor or device fault.
     */
    dosing: z.enum(['prescribed', 'exact']).default('prescribed'),
    meals: z.array(mealSchema.extend({ patient: z.string().optional() })).default([]),
    events: z.array(patientEventSchema).default([]),
  })
  .strict();

const comparison = {
  max: z.number().optional(),
  min: z.number().optional(),
};

/** An alarm, twin flag or (later) IDS alert that should follow a fault. */
export const detectionSignalSchema = z
  .object({
    /** Alarm code, e.g. "occlusion.downstream", or a list of codes any of which counts (["glucose.urgent-low-soon", "glucose.urgent-low"]). */
    alarm: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Twin flag: stale (quiet too long), diverged (reports differ from commands) or implausible (readings a body cannot produce, a wrong clock). */
    twin: z.enum(['stale', 'diverged', 'implausible']).optional(),
    /** Any event type, e.g. "ids.alert" (for later detectors). */
    event: z.string().optional(),
  })
  .strict()
  .refine((d) => [d.alarm, d.twin, d.event].filter((x) => x !== undefined).length === 1, {
    message: 'name exactly one of alarm, twin or event',
  });

export const expectationSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('detection'),
      name: z.string(),
      /** Timeline entry id or fault name whose injections must be detected. */
      of: z.string(),
      expect: detectionSignalSchema,
      within: durationSchema,
      /** Required fraction of injections detected in time (sensitivity), default 1. */
      minSensitivity: z.number().min(0).max(1).default(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('no-detection'),
      name: z.string(),
      /** The fault must NOT be detected (e.g. a suppressed alarm is never announced). */
      of: z.string(),
      expect: detectionSignalSchema,
      within: durationSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('false-alarms'),
      name: z.string(),
      /** Alarm code (omit for every alarm). */
      alarm: z.string().optional(),
      target: selectorSchema.optional(),
      /** Alarms outside every fault and clinical-event window, per device-hour. */
      maxPerDeviceHour: z.number().min(0),
    })
    .strict(),
  z
    .object({
      type: z.literal('metric'),
      name: z.string(),
      /**
       * mard, clarke-ab, time-in-range, time-below-70, time-below-54, time-above-180, lbgi, hbgi, dose-error, data-loss,
       * stale-fraction, alarms, alarms-suppressed; or a clinical-impact metric judged per patient across its devices
       * (dose-excess, glucose-below-54-minutes, unalarmed-desaturation-minutes, therapy-interruption-minutes,
       * alarms-missed, devices-unavailable-minutes, records-exposed, time-to-detection, time-to-containment)
       */
      metric: z.string(),
      /** Clinical-impact metrics only: judge from the first launch of this timeline entry id or attack name to the run's end (default: from the first attack of the run, else the whole run). */
      of: z.string().optional(),
      target: selectorSchema.optional(),
      /** How to combine devices: mean (default), max, min, sum. */
      aggregate: z.enum(['mean', 'max', 'min', 'sum']).default('mean'),
      ...comparison,
    })
    .strict()
    .refine((m) => m.max !== undefined || m.min !== undefined, { message: 'give max or min (or both)' }),
  z
    .object({
      type: z.literal('prevented'),
      name: z.string(),
      /** Timeline entry id or attack name whose launches must achieve nothing. */
      of: z.string(),
    })
    .strict(),
  z
    .object({
      type: z.literal('detected'),
      name: z.string(),
      /** Timeline entry id or attack name whose launches the IDS must alert on. */
      of: z.string(),
      within: durationSchema,
      /** IDS rules that count (default: the rules the attack's catalogue entry names). */
      rules: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('no-false-alerts'),
      name: z.string(),
      /** Alerts above this severity count (default low: medium, high and critical count). */
      above: z.enum(['low', 'medium', 'high', 'critical']).default('low'),
      /** Alerts outside every attack's window, per hour of the run. */
      maxPerHour: z.number().min(0).default(0),
    })
    .strict(),
  z
    .object({
      type: z.literal('invariant'),
      name: z.string(),
      /** A registered safety invariant, e.g. "no-infusion-while-occluded", "no-insulin-while-low". */
      invariant: z.string(),
      target: selectorSchema.optional(),
      params: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
]);

/**
 * The fleet section as a file writes it: the same shape as FleetSpec, but a misspelt field is an error
 * rather than silently dropped.
 */
const fileFleetSchema = fleetSpecSchema
  .extend({
    zones: z
      .array(zoneSpecSchema.extend({ config: z.record(z.string(), kindConfigSchema.strict()).optional() }).strict())
      .min(1)
      .describe('Wards or units; each has beds (= patients) and devices of each kind'),
  })
  .strict();

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('Scenario name, shown in reports'),
    description: z.string().optional(),
    tags: z.array(z.string()).default([]),
    seed: z
      .union([z.number().int(), z.string().min(1)])
      .default(1)
      .describe('Seed of every random stream; the same seed gives the same event log'),
    duration: durationSchema.describe('Simulated time the run covers, e.g. "2h"'),
    fleet: fileFleetSchema.describe('The devices: zones with beds and device counts per kind'),
    patients: patientsSchema.default({ randomMeals: true, dosing: 'prescribed', meals: [], events: [] }),
    commands: z.array(commandEntrySchema).default([]).describe('Commands sent through the twin at set times'),
    campaigns: z.array(campaignSchema).default([]).describe('Firmware patch campaigns: a signed image offered stage by stage'),
    timeline: z.array(timelineEntrySchema).default([]).describe('Faults and attacks to inject, at a time, repeatedly or on an event'),
    expectations: z.array(expectationSchema).default([]).describe('What must hold for the run to pass'),
    security: securitySchema.optional(),
    broker: brokerSchema
      .optional()
      .describe(
        'The run’s own embedded broker: its limits (docs/broker.md) and its persistence (docs/network.md; medtwin run --persistence overrides it)',
      ),
    ids: idsSchema
      .optional()
      .describe('Run the intrusion detector (on by default when the timeline has an attack); thresholds override its defaults'),
  })
  .strict();

export type Selector = z.infer<typeof selectorSchema>;
export type TargetSelector = z.infer<typeof targetSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type CommandEntry = z.infer<typeof commandEntrySchema>;
export type CampaignEntry = z.infer<typeof campaignSchema>;
export type PatientsSection = z.infer<typeof patientsSchema>;
export type PatientEvent = z.infer<typeof patientEventSchema>;
export type DetectionSignal = z.infer<typeof detectionSignalSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
export type ScenarioFile = z.infer<typeof scenarioSchema>;
