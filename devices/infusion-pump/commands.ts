import { assertEvent } from 'xstate';
import { accepted as ack, rejected as nack, type CommandMeta } from '../commands.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { hasHighAlarm } from './alarms.ts';
import type { PumpContext, PumpEvent } from './context.ts';
import { checkBolus, checkProgram } from './drug-library.ts';

/** Clinician commands: their checks, acknowledgements and rejections (devices/commands.ts style). */

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
function commandMeta(event: PumpEvent): CommandMeta {
  return { command: event.type.slice(event.type.indexOf('.') + 1), commandId: 'commandId' in event ? event.commandId : undefined };
}

export const accepted = (event: PumpEvent, detail?: string): DeviceEmitted => ack(commandMeta(event), detail);
export const rejected = (event: PumpEvent, code: string, reason: string): DeviceEmitted => nack(commandMeta(event), code, reason);

export const programVerdict = (ctx: PumpContext, e: PumpEvent) => {
  assertEvent(e, 'infusion.program');
  return checkProgram(ctx.settings.drugs, ctx.settings.rateRange, e);
};
export const bolusVerdict = (ctx: PumpContext, e: PumpEvent) => {
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
  if (ctx.sensors.detectors['door.open']) return 'the door is open; close it first';
  if (ctx.sensors.detectors['air-in-line']) return 'air in line; prime the set first';
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
