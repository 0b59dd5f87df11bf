/** Every key the TUI understands, for the help overlay and docs/tui.md. */
export const KEYS: readonly { keys: string; action: string; where?: string }[] = [
  { keys: 'space', action: 'start the run / pause / resume' },
  { keys: 's', action: 'single-step: run 1 minute of simulated time, then pause' },
  { keys: '1 2 3 4', action: 'speed ×1, ×10, ×100, max (as fast as the transport settles)' },
  { keys: 'p', action: 'pause on every injection the scenario makes (on / off)' },
  { keys: '← ↑ → ↓', action: 'select a device — or click it', where: 'fleet' },
  { keys: 'enter', action: 'open the selected device — or click it again', where: 'fleet' },
  { keys: '← →', action: 'chart another signal', where: 'device' },
  { keys: '↑ ↓', action: 'previous / next device', where: 'device, traffic' },
  { keys: 'esc', action: 'back: close a menu, leave a screen, clear the search' },
  { keys: 'i', action: 'inject a registered fault on the selected device or its zone' },
  { keys: 'c', action: "send a command the device's kind accepts (its schema is the form)" },
  { keys: 'x', action: 'list the faults acting on the device; enter ends one now' },
  { keys: 'a', action: "acknowledge the selected device's alarms" },
  { keys: 'm', action: "silence the selected device's alarm audio (if its kind can)" },
  { keys: 't', action: "MQTT traffic of the device (/ for a topic filter), beside the twin's shadow" },
  { keys: 'l', action: 'event log: ↑↓ move, / find, enter shows an event in full' },
  { keys: '/', action: 'search devices by id, kind or zone' },
  { keys: 'f', action: 'filter the event feed by severity, zone and device' },
  { keys: 'pgup pgdn', action: 'scroll the event feed (end: back to the newest)' },
  { keys: 'w', action: 'save the session: event log, scenario of what you did, report once finished' },
  { keys: 'r R', action: 'run the scenario again with the same seed / the next seed' },
  { keys: '?', action: 'this help' },
  { keys: 'q ctrl+c', action: 'quit: stop the run, close connections, restore the terminal' },
];

/** How far `s` steps, ms. */
export const STEP_MS = 60_000;

/** Speeds of keys 1–4. */
export const SPEED_KEYS: Readonly<Record<string, number | 'max'>> = { '1': 1, '2': 10, '3': 100, '4': 'max' };
