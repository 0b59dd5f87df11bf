import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real `medtwin tui` in a real terminal (tmux, 100×30): the fleet comes up, a device opens, a
 * sensor fault injected from the menu raises the device's alarm, and `q` leaves a clean terminal.
 */
const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'medtwin.js');
const scenario = join(root, 'scenarios', 'ward.yaml');
const oneBed = join(root, 'test', 'fixtures', 'tui', 'one-bed.yaml');
let session = `medtwin-tui-e2e-${process.pid}`;
const sessions: string[] = [];

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const missing = [
  !hasTmux && 'tmux is not installed',
  !existsSync(bin) && 'bin/medtwin.js does not exist yet',
  !existsSync(scenario) && 'scenarios/ward.yaml does not exist yet',
].filter(Boolean);
// CI installs tmux and sets MEDTWIN_REQUIRE_TMUX=1: there a missing tmux is a failure, not a skip.
if (missing.length > 0 && process.env.MEDTWIN_REQUIRE_TMUX === '1') {
  throw new Error(`MEDTWIN_REQUIRE_TMUX=1 but the tmux test cannot run: ${missing.join('; ')} (apt-get install -y tmux)`);
}
const title = missing.length === 0 ? 'medtwin tui in tmux' : `medtwin tui in tmux — SKIPPED: ${missing.join('; ')}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Polls the pane (a real terminal has no render event to await) until `pattern` shows, or fails with the screen. */
async function waitForScreen(pattern: string | RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)} on the screen:\n${last}`);
}

const KEY_NAMES = new Set(['Enter', 'Escape', 'Up', 'Down', 'Left', 'Right']);

/** Types keys (tmux key names, or literal text) and waits for their effect, one step at a time, as a person would. */
async function keys(sequence: string[], until: string | RegExp, timeoutMs?: number): Promise<string> {
  for (const key of sequence) tmux('send-keys', '-t', session, ...(KEY_NAMES.has(key) ? [key] : ['-l', '--', key]));
  return waitForScreen(until, timeoutMs);
}

/** Opens `medtwin tui ARGS` in a new tmux session of 100×30 in `cwd`; the shell line after it says how it exited. */
function openTui(name: string, args: string, cwd = root): void {
  session = `medtwin-tui-e2e-${name}-${process.pid}`;
  sessions.push(session);
  // CI is unset: a person at a terminal is not a CI job, and ink draws nothing but the last frame when it thinks it is one.
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '100',
    '-y',
    '30',
    '-c',
    cwd,
    `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${bin} tui ${args}; echo "medtwin exited with $?"; sleep 120`,
  );
}

/** Selects a device by searching for its id, and opens it. */
async function openDevice(id: string, title: string): Promise<void> {
  await keys(['/'], 'search id, kind or zone');
  await keys([id], '1 devices matching');
  await keys(['Enter'], /^(?!.*search id, kind or zone)/s);
  await keys(['Enter'], title);
}

/** Steps one simulated minute at a time (s) until the screen matches, at most `max` minutes. */
async function stepUntil(pattern: RegExp, max: number): Promise<string> {
  for (let i = 0; i < max; i++) {
    const now = screen();
    if (pattern.test(now)) return now;
    const clock = /(\d\d:\d\d:\d\d) \//.exec(now)?.[1];
    await keys(['s'], new RegExp(`⏸ paused +(?!${clock})\\d\\d:\\d\\d:\\d\\d`), 30_000);
  }
  return waitForScreen(pattern, 5_000);
}

afterAll(() => {
  if (hasTmux) for (const s of sessions) spawnSync('tmux', ['kill-session', '-t', s]);
});

describe.skipIf(missing.length > 0)(title, () => {
  it('opens the fleet, injects a fault on a device, shows its alarm, and quits cleanly', { timeout: 300_000 }, async () => {
    // The shell line after the TUI proves the process exited, and with what code. CI is unset: a person
    // at a terminal is not a CI job, and ink draws nothing but the last frame when it thinks it is one.
    openTui('ward', `${scenario} --paused`);
    await waitForScreen(/⏸ ready .*Fleet · 40 devices/s, 90_000);
    expect(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim()).toBe('1');

    // Fast pace, then open a patient monitor by searching for it.
    await keys(['4'], 'speed: as fast as the transport settles');
    await openDevice('patient-monitor-001', 'Patient monitor · zone icu');

    // Inject sensor.bias on its SpO2, reading 40 % low, from the menu.
    await keys(['i'], 'Inject on patient-monitor-001');
    await keys(['bias'], '› sensor.bias');
    await keys(['Enter'], /signal +hr/);
    await keys(['Down'], /› signal/);
    await keys(['Right'], /signal +spo2/);
    await keys(['Down'], /› offset/);
    await keys(['-40'], /offset +-40/);
    await keys(['Enter'], /injected sensor\.bias on patient-monitor-001|faults +sensor\.bias since/);

    // Run: the monitor's SpO2 falls under its critical limit and it raises a high-priority alarm.
    await keys([' '], '▶ running');
    const alarmed = await waitForScreen(/! spo2\.\S+ +active/, 120_000);
    expect(alarmed).toContain('faults    sensor.bias since');
    expect(alarmed).toMatch(/! patient-monitor-001 .*high alarm/);

    // NO_COLOR: the TUI draws without colour codes (bold/inverse are not colour).
    const styled = tmux('capture-pane', '-p', '-e', '-t', session);
    expect(styled).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[25])[;m]/);

    // q stops the run, closes every connection, leaves the alternate screen and exits 0.
    await keys(['q'], 'medtwin exited with 0', 60_000);
    const after = screen();
    expect(after).not.toContain('Fleet');
    expect(after).not.toContain('medtwin  ward');
    expect(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim()).toBe('0');
  });

  it('says an unreachable --broker before taking over the screen, and exits 3', { timeout: 60_000 }, async () => {
    openTui('probe', '--broker 127.0.0.1:1');
    const text = await waitForScreen(/medtwin exited with \d+/, 30_000);
    expect(text).toContain('cannot reach the MQTT broker at mqtt://127.0.0.1:1');
    expect(text).toContain('medtwin exited with 3');
  });

  it('says a scenario with attacks cannot watch an external broker before taking over the screen, and exits 2', {
    timeout: 60_000,
  }, async () => {
    // Refused before the broker is probed: nothing listens on port 1, and the refusal comes first.
    openTui('ids-broker', `${join(root, 'scenarios', 'attacks', 'forged-pause.yaml')} --broker 127.0.0.1:1`);
    const text = await waitForScreen(/medtwin exited with \d+/, 30_000);
    expect(text.replace(/\n/g, '')).toContain("the intrusion detector taps medtwin's embedded broker");
    expect(text).toContain('medtwin exited with 2');
  });

  it('clears a hand-made occlusion through the command console and resumes the pump', { timeout: 300_000 }, async () => {
    openTui('occlusion', `${oneBed} --paused`);
    await waitForScreen(/⏸ ready .*Fleet · 2 devices/s, 90_000);
    await keys(['4'], 'speed: as fast as the transport settles');
    await keys(['s'], /⏸ paused +00:01:00/);
    await openDevice('infusion-pump-001', 'Large-volume infusion pump · zone icu');
    // A downstream occlusion by hand: the line pressure builds until the pump stops and alarms.
    await keys(['i'], 'Inject on infusion-pump-001');
    await keys(['occlusion-d'], '› device.occlusion-downstream');
    await keys(['Enter'], /› target/);
    await keys(['Enter'], /faults +device\.occlusion-downstream since/);
    const alarmed = await stepUntil(/! occlusion\.downstream +active/, 8);
    expect(alarmed).toMatch(/state hold/);
    // End it now, let the pressure fall, then resume the pump from the command console.
    await keys(['x'], 'Faults on infusion-pump-001');
    await keys(['Enter'], /faults +none active/);
    await stepUntil(/alarms +none/, 8);
    await keys(['c'], 'Command infusion-pump-001');
    await keys(['resume'], '› resume');
    await keys(['Enter'], 'resume takes no fields');
    await keys(['Enter'], 'resume sent to infusion-pump-001');
    const resumed = await stepUntil(/· state infusing ·/, 2);
    expect(resumed).toMatch(/command resume accepted/);
    await keys(['q'], 'medtwin exited with 0', 60_000);
  });

  it('saves the session as a scenario that medtwin run replays to the same alarms', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-tui-session-'));
    openTui('session', `${oneBed} --paused`, dir);
    await waitForScreen(/⏸ ready .*Fleet · 2 devices/s, 90_000);
    await keys(['4'], 'speed: as fast as the transport settles');
    await keys(['s'], /⏸ paused +00:01:00/);
    // The monitor's SpO2 reads 40 % low for 3 minutes; the pump occludes until ended by hand.
    await keys(['Down'], /›[·*] patient-monitor-001/);
    await keys(['i'], 'Inject on patient-monitor-001');
    await keys(['bias'], '› sensor.bias');
    await keys(['Enter'], /signal +hr/);
    await keys(['Down'], /› signal/);
    await keys(['Right'], /signal +spo2/);
    await keys(['Down'], /› offset/);
    await keys(['-40'], /offset +-40/);
    await keys(['Down', 'Down', 'Down', 'Down', 'Down', 'Down'], /› for/);
    await keys(['3m'], /for +3m/);
    await keys(['Enter'], 'injected sensor.bias on patient-monitor-001 for 3m');
    await keys(['s'], /⏸ paused +00:02:00/);
    await keys(['Up'], /›\S infusion-pump-001/);
    await keys(['i'], 'Inject on infusion-pump-001');
    await keys(['occlusion-d'], '› device.occlusion-downstream');
    await keys(['Enter'], /› target/);
    await keys(['Enter'], /injected device\.occlusion-downstream on infusion-pump-001|›\* infusion-pump-001/);
    await keys(['s'], /⏸ paused +00:03:00/);
    await keys(['s'], /⏸ paused +00:04:00/);
    await keys(['x'], 'Faults on infusion-pump-001');
    await keys(['Enter'], 'ended device.occlusion-downstream on infusion-pump-001');
    await keys([' '], /■ finished/, 120_000);
    await keys(['w'], /saved report\.json, report\.html, events\.jsonl, scenario\.yaml/, 60_000);
    await keys(['q'], 'medtwin exited with 0', 60_000);

    const saved = join(dir, 'medtwin-session', 'tui-one-bed-seed-5');
    const scenarioText = readFileSync(join(saved, 'scenario.yaml'), 'utf8');
    expect(scenarioText).toContain('Recorded in medtwin tui (seed 5): 2 injections and 0 commands by hand.');
    const replay = join(dir, 'replay.json');
    const run = spawnSync(process.execPath, [bin, 'run', join(saved, 'scenario.yaml'), '--reporter', `json:${replay}`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    type Alarm = { device: string; code: string; priority: string; t: number };
    const alarms = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as { alarms: { first: Alarm[] } }).alarms.first.map(
        (a) => `${a.t} ${a.device} ${a.priority} ${a.code}`,
      );
    const session = alarms(join(saved, 'report.json'));
    expect(session.length).toBeGreaterThan(0);
    expect(session.some((a) => a.includes('occlusion.downstream'))).toBe(true);
    expect(session.some((a) => a.includes('spo2.low'))).toBe(true);
    expect(alarms(replay)).toEqual(session);
  });
});
