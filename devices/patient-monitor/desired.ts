import type { MonitorCommand } from './telemetry.ts';

/** What a command to the monitor should bring about in its reported telemetry (the twin's desired state). */
export function monitorDesired(command: MonitorCommand): Record<string, unknown> | undefined {
  switch (command.type) {
    case 'start':
      return { state: 'monitoring' };
    case 'standby':
      return { state: 'standby' };
    default:
      return undefined;
  }
}
