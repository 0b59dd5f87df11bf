import { accepted, rejected } from '../commands.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { limitsProblem } from './alarm-limits.ts';
import { COMMAND_OF_EVENT, type CommandEvent, type MonitorAlarm, type MonitorContext, type MonitorEvent } from './context.ts';

/** A command's effect: context changes, and the acknowledgement and alarm events to emit (devices/commands.ts style). */
export interface Reply {
  context?: Partial<MonitorContext>;
  emitted: DeviceEmitted[];
  /** A silence schedules its own end. */
  silenceUntil?: number;
}

const meta = (event: CommandEvent) => ({ command: COMMAND_OF_EVENT[event.type], commandId: event.commandId });
export const ok = (event: CommandEvent, detail?: string): DeviceEmitted => accepted(meta(event), detail);
export const no = (event: CommandEvent, code: string, reason: string): Reply => ({ emitted: [rejected(meta(event), code, reason)] });

/** Acknowledging stops an alarm's audio while its condition lasts, and releases a latched alarm (IEC 60601-1-8). */
function acknowledge(context: MonitorContext, event: Extract<MonitorEvent, { type: 'alarm.acknowledge' }>): Reply {
  const targets = context.alarms.filter((a) => (event.code === undefined ? a.status !== 'acknowledged' : a.info.code === event.code));
  if (event.code !== undefined && targets.length === 0) {
    const codes = context.alarms.map((a) => a.info.code);
    return no(event, 'alarm.not-active', `no announced alarm "${event.code}"; announced: ${codes.length > 0 ? codes.join(', ') : 'none'}`);
  }
  if (targets.length === 0) return no(event, 'alarm.not-active', 'no unacknowledged alarm to acknowledge');
  const emitted: DeviceEmitted[] = [];
  const alarms: MonitorAlarm[] = [];
  for (const alarm of context.alarms) {
    if (!targets.includes(alarm)) alarms.push(alarm);
    else if (!alarm.conditionPresent) emitted.push({ type: 'alarm.cleared', code: alarm.info.code });
    else {
      alarms.push({ info: alarm.info, status: 'acknowledged', raisedAt: alarm.raisedAt, conditionPresent: true });
      emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'acknowledged' });
    }
  }
  return { context: { alarms }, emitted: [ok(event, targets.map((a) => a.info.code).join(',')), ...emitted] };
}

/** Audio paused for a time; each silenced alarm sounds again when it ends if still announced. */
function silence(context: MonitorContext, event: Extract<MonitorEvent, { type: 'alarm.silence' }>): Reply {
  const duration = event.durationMs ?? context.settings.silenceMs;
  if (!(duration > 0) || duration > context.settings.maxSilenceMs) {
    return no(event, 'value.out-of-range', `silence of ${duration} ms is outside 1..${context.settings.maxSilenceMs} ms (maxSilenceMs)`);
  }
  if (!context.alarms.some((a) => a.status === 'active')) return no(event, 'alarm.not-active', 'no sounding alarm to silence');
  const until = event.t + duration;
  const emitted: DeviceEmitted[] = [];
  const alarms = context.alarms.map((alarm): MonitorAlarm => {
    if (alarm.status !== 'active') return alarm;
    emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'silenced', until });
    return { ...alarm, status: 'silenced', until };
  });
  return { context: { alarms }, emitted: [ok(event, `until ${until}`), ...emitted], silenceUntil: until };
}

function setLimits(context: MonitorContext, event: Extract<MonitorEvent, { type: 'limits.set' }>): Reply {
  const current = context.settings.limits[event.parameter];
  const pair = { ...current[event.level] };
  if (event.low !== undefined) pair.low = event.low;
  if (event.high !== undefined) pair.high = event.high;
  const next = { ...current, [event.level]: pair };
  const problem = limitsProblem(event.parameter, next);
  if (problem !== undefined) return no(event, 'limits.invalid', problem);
  const settings = { ...context.settings, limits: { ...context.settings.limits, [event.parameter]: next } };
  const text = `${event.parameter} ${event.level} ${pair.low ?? '-'}..${pair.high ?? '-'}`;
  return { context: { settings }, emitted: [ok(event, text)] };
}

/** Pure reducer behind every command that changes context while the state stays put. */
export function applyCommand(context: MonitorContext, event: MonitorEvent): Reply {
  switch (event.type) {
    case 'alarm.acknowledge':
      return acknowledge(context, event);
    case 'alarm.silence':
      return silence(context, event);
    case 'limits.set':
      return setLimits(context, event);
    case 'nibp.start':
      return { context: { nibpRequests: context.nibpRequests + 1 }, emitted: [ok(event)] };
    case 'nibp.interval.set':
      return {
        context: { settings: { ...context.settings, nibpIntervalMs: event.intervalMs } },
        emitted: [ok(event, `${event.intervalMs} ms`)],
      };
    default:
      return { emitted: [] };
  }
}
