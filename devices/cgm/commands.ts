import { accepted as ack, rejected as nack } from '../commands.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { type CgmCommandEvent, type CgmContext, COMMAND_OF_EVENT } from './context.ts';
import { DISPLAY_MAX, DISPLAY_MIN } from './telemetry.ts';

/** The CGM's commands: acknowledgements and the calibration check (devices/commands.ts style). */

const meta = (event: CgmCommandEvent) => ({ command: COMMAND_OF_EVENT[event.type], commandId: event.commandId });
export const accepted = (event: CgmCommandEvent, detail?: string): DeviceEmitted => ack(meta(event), detail);
export const rejected = (event: CgmCommandEvent, code: string, reason: string): DeviceEmitted => nack(meta(event), code, reason);

/**
 * A single-point calibration: the additive offset that makes the current reading equal the entered
 * value, or why it cannot be taken. Dexcom G6 accepts calibration values of 40–400 mg/dL.
 */
export function calibration(
  event: Extract<CgmCommandEvent, { type: 'sensor.calibrate' }>,
  _context: CgmContext,
): { ok: true; offset: number; detail: string } | { ok: false; code: string; reason: string } {
  if (!(event.glucose >= DISPLAY_MIN && event.glucose <= DISPLAY_MAX)) {
    return { ok: false, code: 'value.out-of-range', reason: `calibration glucose must be 40–400 mg/dL, received ${event.glucose}` };
  }
  if (event.raw === null) return { ok: false, code: 'reading.none', reason: 'calibration needs a current sensor reading' };
  const offset = event.glucose - event.raw;
  return { ok: true, offset, detail: `offset ${offset >= 0 ? '+' : ''}${offset.toFixed(1)} mg/dL` };
}
