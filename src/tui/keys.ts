/** Every key the TUI understands, for the help overlay and docs/tui.md. */
export const KEYS: readonly { keys: string; action: string; where?: string }[] = [
  { keys: 'space', action: 'start the run / pause / resume' },
  { keys: 's', action: 'single-step: run 1 minute of simulated time, then pause' },
  { keys: '1 2 3 4', action: 'speed ×1, ×10, ×100, max (as fast as the transport settles)' },
  { keys: '← ↑ → ↓', action: 'select a device', where: 'fleet' },
  { keys: 'enter', action: 'open the selected device', where: 'fleet' },
  { keys: '← →', action: 'chart another signal', where: 'device' },
  { keys: '↑ ↓', action: 'previous / next device', where: 'device' },
  { keys: 'esc', action: 'back: close a menu, leave the device, clear the search' },
  { keys: 'i', action: 'inject a registered fault on the selected device or its zone' },
  { keys: 'a', action: "acknowledge the selected device's alarms" },
  { keys: 'm', action: "silence the selected device's alarm audio (if its kind can)" },
  { keys: '/', action: 'search devices by id, kind or zone' },
  { keys: 'f', action: 'filter the event feed by severity, zone and device' },
  { keys: 'pgup pgdn', action: 'scroll the event feed (end: back to the newest)' },
  { keys: '?', action: 'this help' },
  { keys: 'q ctrl+c', action: 'quit: stop the run, close connections, restore the terminal' },
];

/** How far `s` steps, ms. */
export const STEP_MS = 60_000;

/** Speeds of keys 1–4. */
export const SPEED_KEYS: Readonly<Record<string, number | 'max'>> = { '1': 1, '2': 10, '3': 100, '4': 'max' };
