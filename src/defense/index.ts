export { TECHNIQUES, techniqueUrl, type TechniqueId } from './techniques.ts';
export { IdsContext, type IdsFleet, type KnownConsole, type Subject } from './ids/context.ts';
export { IdsDetector, type AlertData, type DetectorStats, type IdsAlert } from './ids/detector.ts';
export {
  MAX_PAYLOAD_TEXT,
  clientOf,
  compareObservations,
  type Observation,
  type ObservedEvent,
  type PublishObservation,
  type SubscribeObservation,
} from './ids/observation.ts';
export { RULES, RULE_NAMES, getRule, type RuleName } from './ids/registry.ts';
export { SEVERITIES, type Finding, type RuleDefinition, type Severity } from './ids/rule.ts';
export { DEFAULT_THRESHOLDS, type IdsThresholds } from './ids/thresholds.ts';
