import { assertEvent } from 'xstate';
import type { DeviceEmitted } from '../descriptor.ts';
import { hasHighAlarm } from './alarms.ts';
import type { PumpContext, PumpMachineEvent } from './context.ts';
import { checkBolus, checkProgram } from './drug-library.ts';
import { isOn } from './line.ts';

/** Clinician commands: their checks, acknowledgements and rejections. */

export const THERAPY_COMMANDS = [
  'infusion.program',
  'infusion.start',
  'infusion.pause',
  'infusion.resume',
  'infusion.stop',
  'infusion.bolus',
] as const;
type TherapyCommand = (typeof THERAPY_COMMANDS)[number];

/** The command as it arrived (`infusion.start` came from `start`) and its id, for acknowledgements. */
function commandMeta(event: PumpMachineEvent): { command: string; commandId?: string } {
  const command = event.type.slice(event.type.indexOf('.') + 1);
  const id = 'commandId' in event ? event.commandId : undefined;
  return id === undefined ? { command } : { command, commandId: id };
}

export const accepted = (event: PumpMachineEvent, detail?: string): DeviceEmitted => ({
  type: 'command.accepted',
  ...commandMeta(event),
  ...(detail === undefined ? {} : { detail }),
});
export const rejected = (event: PumpMachineEvent, code: string, reason: string): DeviceEmitted => {
  const meta = commandMeta(event);
  return { type: 'command.rejected', ...meta, code, reason: `cannot ${meta.command}: ${reason}` };
};

export const programVerdict = (ctx: PumpContext, e: PumpMachineEvent) => {
  assertEvent(e, 'infusion.program');
  return checkProgram(ctx.settings.drugs, ctx.settings.rateRange, e);
};
export const bolusVerdict = (ctx: PumpContext, e: PumpMachineEvent) => {
  assertEvent(e, 'infusion.bolus');
  if (ctx.program === null) return { ok: false as const, code: 'state.invalid', reason: 'no program' };
  return checkBolus(ctx.settings.drugs, ctx.program, e.amount, e.confirmSoftLimit);
};

/** Why flow may not (re)start now, or undefined when it may. */
export function flowBlocker(ctx: PumpContext): string | undefined {
  if (hasHighAlarm(ctx.alarms)) {
    const high = ctx.alarms.filter((a) => a.priority === 'high').map((a) => a.code);
    return `high-priority alarm ${high.join(', ')} is active; clear its cause first`;
  }
  if (isOn(ctx.conditions, 'door.open')) return 'the door is open; close it first';
  if (isOn(ctx.conditions, 'air-in-line')) return 'air in line; prime the set first';
  return undefined;
}

type Rejection = { actions: { type: 'reject'; params: { reason: string } } };
/** Handlers that reject commands invalid in a state, each with its reason and what to do instead. */
export function reject(reasons: Partial<Record<TherapyCommand, string>>): { [K in TherapyCommand]?: Rejection } {
  const out: { [K in TherapyCommand]?: Rejection } = {};
  for (const [type, reason] of Object.entries(reasons) as [TherapyCommand, string][]) {
    out[type] = { actions: { type: 'reject', params: { reason } } };
  }
  return out;
}
export const allCommands = (reason: string): Record<TherapyCommand, string> =>
  Object.fromEntries(THERAPY_COMMANDS.map((type) => [type, reason])) as Record<TherapyCommand, string>;
