export { loadScenarioFile, parseScenario, validateFiles, type FileValidation, type ScenarioRegistries } from './loader.ts';
export { ScenarioError, formatDiagnostic, formatDiagnostics, formatPath, type Diagnostic } from './diagnostics.ts';
export { buildScenarioJsonSchema, renderScenarioJsonSchema, DURATION_PATTERN, type JsonSchemaRegistries } from './json-schema.ts';
export type { Plan } from './plan.ts';
export {
  scenarioSchema,
  selectorSchema,
  triggerSchema,
  timelineEntrySchema,
  commandEntrySchema,
  mealSchema,
  patientEventSchema,
  patientsSchema,
  detectionSignalSchema,
  expectationSchema,
  type Selector,
  type Trigger,
  type TimelineEntry,
  type CommandEntry,
  type PatientsSection,
  type PatientEvent,
  type DetectionSignal,
  type Expectation,
  type ScenarioFile,
} from './schema.ts';
