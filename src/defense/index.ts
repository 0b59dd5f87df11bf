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
export { BrokerTap, type BrokerTapOptions } from './ids/broker-tap.ts';
export { IMPACT_METRICS, IMPACT_METRIC_NAMES, type ImpactMetricName } from './impact/registry.ts';
export type { ImpactMetric, ImpactWindow } from './impact/metric.ts';
export { Adversary, AdversarySession, type AdversaryAction, type AdversaryOptions } from './adversary/adversary.ts';
export { ATTACKS, ATTACK_NAMES, getAttack, type AttackName } from './attacks/registry.ts';
export type { AttackContext, AttackDefinition, AttackRun, AttackTarget, Countermeasure } from './attacks/attack.ts';
export { DATASET_COLUMNS, datasetCsv, datasetJsonl, datasetRecords, type DatasetRecord, type GroundTruth } from './dataset/record.ts';
