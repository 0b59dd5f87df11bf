import type { DeviceEmitted } from './descriptor.ts';

/**
 * The one acknowledgement style of every device kind. Each command event carries the `commandId` it
 * arrived with (boot profiles use `profile`), and the machine answers it exactly once:
 * `command.accepted` (with an optional detail) or `command.rejected` with a dotted code
 * (`state.invalid`, `alarm.not-active`, `value.out-of-range`, `ders.hard-limit`...) and a reason that
 * says what to do instead, always worded `cannot <command>: <why>`.
 */
export interface CommandMeta {
  /** The command's name on the wire (`program`, `acknowledge`, `sensor.start`). */
  command: string;
  commandId?: string | undefined;
}

export function accepted(meta: CommandMeta, detail?: string): DeviceEmitted {
  return {
    type: 'command.accepted',
    command: meta.command,
    ...(meta.commandId === undefined ? {} : { commandId: meta.commandId }),
    ...(detail === undefined || detail === '' ? {} : { detail }),
  };
}

export function rejected(meta: CommandMeta, code: string, reason: string): DeviceEmitted {
  return {
    type: 'command.rejected',
    command: meta.command,
    ...(meta.commandId === undefined ? {} : { commandId: meta.commandId }),
    code,
    reason: `cannot ${meta.command}: ${reason}`,
  };
}

/** The id a boot profile's commands carry, so their acknowledgements tell them from a clinician's. */
export const PROFILE_COMMAND_ID = 'profile';
