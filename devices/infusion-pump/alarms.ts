import type { AlarmInfo, DeviceEmitted } from '../descriptor.ts';
import { type ActiveAlarm, type Detector, type PumpContext, motorRateMlPerH, occlusionLimitMmHg } from './context.ts';
import { PUMP_ALARMS, type PumpAlarmCode } from './telemetry.ts';

/** The pump's announced alarms: what each says, and adding or removing one as the machine's regions move. */

export function alarmInfo(code: PumpAlarmCode, ctx: PumpContext): AlarmInfo {
  const info: AlarmInfo = { code, category: 'technical', ...PUMP_ALARMS[code] };
  const s = ctx.settings;
  const battery = Math.round(ctx.sensors.batteryPct * 10) / 10;
  switch (code) {
    case 'occlusion.downstream':
      return { ...info, parameter: 'linePressure', value: ctx.sensors.pressureMmHg, limit: occlusionLimitMmHg(s) };
    case 'battery.low':
      return { ...info, parameter: 'battery', value: battery, limit: s.battery.lowPct };
    case 'battery.depleted':
      return { ...info, parameter: 'battery', value: battery, limit: 0 };
    case 'infusion.complete':
      return { ...info, parameter: 'volumeInfused', value: ctx.program?.vtbiMl ?? 0, limit: ctx.program?.vtbiMl ?? 0 };
    case 'kvo.active':
      return { ...info, parameter: 'rate', value: motorRateMlPerH(s, ctx.program, 'kvo') };
    default:
      return info;
  }
}

export function hasAlarm(alarms: readonly ActiveAlarm[], code: string): boolean {
  for (const a of alarms) if (a.code === code) return true;
  return false;
}

// IEC 60601-1-8 high priority: needs immediate response, so the pump stops flow.
export function hasHighAlarm(alarms: readonly ActiveAlarm[]): boolean {
  for (const a of alarms) if (a.priority === 'high') return true;
  return false;
}

/** Adds an announced alarm (once); returns the new list and what to emit. */
export function raised(alarms: ActiveAlarm[], code: PumpAlarmCode, context: PumpContext): { alarms: ActiveAlarm[]; emit?: DeviceEmitted } {
  if (hasAlarm(alarms, code)) return { alarms };
  const alarm = alarmInfo(code, context);
  return { alarms: [...alarms, { ...alarm, status: 'active' }], emit: { type: 'alarm.raised', alarm } };
}

export function cleared(alarms: ActiveAlarm[], code: PumpAlarmCode): { alarms: ActiveAlarm[]; emit?: DeviceEmitted } {
  if (!hasAlarm(alarms, code)) return { alarms };
  return { alarms: alarms.filter((a) => a.code !== code), emit: { type: 'alarm.cleared', code } };
}

/** Persistence before each detector's alarm, ms. */
export function persistenceMs(ctx: PumpContext, code: Detector | 'occlusion.downstream'): number {
  const a = ctx.settings.alarms;
  switch (code) {
    case 'occlusion.downstream':
      return a.downstreamOcclusionPersistenceMs;
    case 'occlusion.upstream':
      return a.upstreamOcclusionPersistenceMs;
    case 'air-in-line':
      return a.airInLinePersistenceMs;
    case 'door.open':
      return a.doorOpenPersistenceMs;
  }
}
