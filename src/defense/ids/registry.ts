import { InputError, nearestName } from '../../core/errors.ts';
import type { RuleDefinition } from './rule.ts';
import { authBruteForce } from './rules/auth-brute-force.ts';
import { clientIdTakeover } from './rules/client-id-takeover.ts';
import { commandReplay } from './rules/command-replay.ts';
import { connectFlood } from './rules/connect-flood.ts';
import { defaultCredentials } from './rules/default-credentials.ts';
import { distributedFlood } from './rules/distributed-flood.ts';
import { doseLimitOverride } from './rules/dose-limit-override.ts';
import { eavesdropSubscribe } from './rules/eavesdrop-subscribe.ts';
import { firmwareMismatch } from './rules/firmware-mismatch.ts';
import { firmwareRefused } from './rules/firmware-refused.ts';
import { malformedPacket } from './rules/malformed-packet.ts';
import { publishFlood } from './rules/publish-flood.ts';
import { refusedAccess } from './rules/refused-access.ts';
import { retainedCommand } from './rules/retained-command.ts';
import { slowConnections } from './rules/slow-connections.ts';
import { sysProbe } from './rules/sys-probe.ts';
import { telemetrySeqAnomaly } from './rules/telemetry-seq-anomaly.ts';
import { unauthorizedCommand } from './rules/unauthorized-command.ts';
import { unexpectedTopic } from './rules/unexpected-topic.ts';
import { unknownClient } from './rules/unknown-client.ts';

/** Every IDS rule, by name (one file each under rules/). */
export const RULES = {
  'auth-brute-force': authBruteForce,
  'client-id-takeover': clientIdTakeover,
  'command-replay': commandReplay,
  'connect-flood': connectFlood,
  'default-credentials': defaultCredentials,
  'distributed-flood': distributedFlood,
  'dose-limit-override': doseLimitOverride,
  'eavesdrop-subscribe': eavesdropSubscribe,
  'firmware-mismatch': firmwareMismatch,
  'firmware-refused': firmwareRefused,
  'malformed-packet': malformedPacket,
  'publish-flood': publishFlood,
  'refused-access': refusedAccess,
  'retained-command': retainedCommand,
  'slow-connections': slowConnections,
  'sys-probe': sysProbe,
  'telemetry-seq-anomaly': telemetrySeqAnomaly,
  'unauthorized-command': unauthorizedCommand,
  'unexpected-topic': unexpectedTopic,
  'unknown-client': unknownClient,
} as const satisfies Record<string, RuleDefinition>;

export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.keys(RULES) as RuleName[];

/** Looks a rule up by name; an unknown name is an InputError listing the known ones. */
export function getRule(name: string, where = 'rule'): RuleDefinition {
  if (Object.hasOwn(RULES, name)) return RULES[name as RuleName];
  const hint = nearestName(name, RULE_NAMES);
  throw new InputError(
    'E_UNKNOWN_RULE',
    `${where}: unknown IDS rule ${JSON.stringify(name)}${hint ? ` — did you mean "${hint}"?` : ''} (known: ${RULE_NAMES.join(', ')})`,
  );
}
