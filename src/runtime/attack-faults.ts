import type { Revert } from '../fleet/fault-surface.ts';
import type { AttackDefinition } from '../defense/attacks/attack.ts';
import { ATTACKS } from '../defense/attacks/registry.ts';
import type { AnyFaultDefinition } from '../inject/fault.ts';
import type { InjectionTarget } from '../inject/target.ts';

/** One attack launched by the timeline on one device: what the run's attack host carries out at this instant. */
export interface AttackLaunch {
  /** The timeline entry's id (`attack.forged-pause#0`). */
  id: string;
  attack: AttackDefinition;
  params: Record<string, unknown>;
  device: { deviceId: string; kind: string; zone: string };
}

/**
 * Starts an attack (it cannot act synchronously: its connections are real sockets) and returns what
 * ends it. The run's attack host queues both and carries them out before simulated time moves on.
 */
export type AttackLauncher = (launch: AttackLaunch) => Revert;

/**
 * The attack catalogue as entries of the fault registry (category `attack`), so a scenario's timeline
 * names one like any fault (`fault: attack.forged-pause`), with its params checked by the loader and
 * its `at`, `every`, `when` and `for` handled by the timeline. src/inject may not import src/defense,
 * so the combined registry is made here, at the runtime level; `launch` is the run's attack host.
 */
export function attackFaults(launch: AttackLauncher): Record<string, AnyFaultDefinition> {
  return Object.fromEntries(
    Object.entries(ATTACKS).map(([name, attack]) => {
      const definition = attack as unknown as AttackDefinition;
      const fault: AnyFaultDefinition = {
        name,
        category: 'attack',
        summary: definition.summary,
        params: definition.params,
        // An attack aims at one device (its command topic, its client id, its zone); the adversary's
        // connections go to the broker whatever it aims at.
        targets: ['device'],
        incompatibility: () => undefined,
        apply(target: InjectionTarget, params, context) {
          const device = target as { deviceId: string; kind: string; zone: string };
          return launch({
            id: context.injectionId ?? name,
            attack: definition,
            params: params as Record<string, unknown>,
            device: { deviceId: device.deviceId, kind: device.kind, zone: device.zone },
          });
        },
      };
      return [name, fault];
    }),
  );
}
