/**
 * The codes of a device's announced alarms, as its telemetry lists them. Telemetry repeats them in
 * every message (a monitor's every second) while the list itself changes rarely, so each list's codes
 * are worked out once and shared; they are never changed after.
 */
const cache = new WeakMap<readonly object[], string[]>();

export function alarmCodes<T extends object>(alarms: readonly T[], code: (alarm: T) => string): string[] {
  let codes = cache.get(alarms);
  if (codes === undefined) cache.set(alarms, (codes = alarms.map(code)));
  return codes;
}
