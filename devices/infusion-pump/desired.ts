import type { PumpCommand } from './telemetry.ts';

/**
 * What a command to the pump should bring about in its reported telemetry: the twin keeps these as
 * desired state and flags a pump whose reports still differ after its grace time (a wrong program
 * accepted, a start that never took, a pump that paused itself).
 */
export function pumpDesired(command: PumpCommand): Record<string, unknown> | undefined {
  switch (command.type) {
    case 'program':
      return command.rate !== undefined
        ? { drug: command.drug, programmedRate: command.rate }
        : { drug: command.drug, doseRate: command.doseRate };
    case 'start':
    case 'resume':
      return { state: 'infusing' };
    case 'pause':
      return { state: 'paused' };
    case 'stop':
      return { state: 'idle' };
    default:
      return undefined;
  }
}
