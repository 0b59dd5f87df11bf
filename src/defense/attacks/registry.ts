import { InputError, nearestName } from '../../core/errors.ts';
import { alarmLimitsDisabled } from './alarm-limits-disabled.ts';
import type { AttackDefinition } from './attack.ts';
import { clientIdTakeover } from './client-id-takeover.ts';
import { commandReplay } from './command-replay.ts';
import { connectFlood } from './connect-flood.ts';
import { credentialBruteForce } from './credential-brute-force.ts';
import { ddosPublishFlood } from './ddos-publish-flood.ts';
import { forgedBolus } from './forged-bolus.ts';
import { forgedPause } from './forged-pause.ts';
import { firmwareDowngrade } from './firmware-downgrade.ts';
import { firmwareTamper } from './firmware-tamper.ts';
import { forgedReprogram } from './forged-reprogram.ts';
import { lateralMovement } from './lateral-movement.ts';
import { malformedPackets } from './malformed-packets.ts';
import { publishFlood } from './publish-flood.ts';
import { reconWildcard } from './recon-wildcard.ts';
import { retainedPause } from './retained-pause.ts';
import { slowite } from './slowite.ts';
import { spoofedLowGlucose } from './spoofed-low-glucose.ts';
import { spoofedNormalSpo2 } from './spoofed-normal-spo2.ts';
import { spoofedSeq } from './spoofed-seq.ts';
import { stolenOperatorPassword } from './stolen-operator-password.ts';
import { twinKick } from './twin-kick.ts';

/** The attack catalogue, by name (one file each; docs/attacks.md is checked against it). */
export const ATTACKS = {
  'attack.recon-wildcard': reconWildcard,
  'attack.credential-brute-force': credentialBruteForce,
  'attack.client-id-takeover': clientIdTakeover,
  'attack.twin-kick': twinKick,
  'attack.forged-pause': forgedPause,
  'attack.forged-reprogram': forgedReprogram,
  'attack.forged-bolus': forgedBolus,
  'attack.retained-pause': retainedPause,
  'attack.spoofed-seq': spoofedSeq,
  'attack.spoofed-low-glucose': spoofedLowGlucose,
  'attack.spoofed-normal-spo2': spoofedNormalSpo2,
  'attack.command-replay': commandReplay,
  'attack.alarm-limits-disabled': alarmLimitsDisabled,
  'attack.stolen-operator-password': stolenOperatorPassword,
  'attack.publish-flood': publishFlood,
  'attack.connect-flood': connectFlood,
  'attack.slowite': slowite,
  'attack.firmware-tamper': firmwareTamper,
  'attack.firmware-downgrade': firmwareDowngrade,
  'attack.ddos-publish-flood': ddosPublishFlood,
  'attack.malformed-packets': malformedPackets,
  'attack.lateral-movement': lateralMovement,
} as const satisfies Record<string, AttackDefinition>;

export type AttackName = keyof typeof ATTACKS;
export const ATTACK_NAMES = Object.keys(ATTACKS) as AttackName[];

/** Looks an attack up by name; an unknown name is an InputError listing the known ones. */
export function getAttack(name: string, where = 'attack'): AttackDefinition {
  if (Object.hasOwn(ATTACKS, name)) return ATTACKS[name as AttackName] as unknown as AttackDefinition;
  const hint = nearestName(name, ATTACK_NAMES);
  throw new InputError(
    'E_UNKNOWN_ATTACK',
    `${where}: unknown attack ${JSON.stringify(name)}${hint ? ` — did you mean "${hint}"?` : ''} (known: ${ATTACK_NAMES.join(', ')})`,
  );
}
