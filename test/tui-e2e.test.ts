import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real `medtwin tui` in a real terminal (tmux, 100×30): the fleet comes up, a device opens, a
 * sensor fault injected from the menu raises the device's alarm, and `q` leaves a clean terminal.
 */
const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'medtwin.js');
const scenario = join(root, 'scenarios', 'ward.yaml');
const session = `medtwin-tui-e2e-${process.pid}`;

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const missing = [
  !hasTmux && 'tmux is not installed',
  !existsSync(bin) && 'bin/medtwin.js does not exist yet',
  !existsSync(scenario) && 'scenarios/ward.yaml does not exist yet',
].filter(Boolean);
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

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['kill-session', '-t', session]);
});

describe.skipIf(missing.length > 0)(title, () => {
  it('opens the fleet, injects a fault on a device, shows its alarm, and quits cleanly', { timeout: 300_000 }, async () => {
    // The shell line after the TUI proves the process exited, and with what code. CI is unset: a person
    // at a terminal is not a CI job, and ink draws nothing but the last frame when it thinks it is one.
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
      root,
      `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${bin} tui ${scenario} --paused; echo "medtwin exited with $?"; sleep 120`,
    );
    await waitForScreen(/⏸ ready .*Fleet · 40 devices/s, 90_000);
    expect(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim()).toBe('1');

    // Fast pace, then open a patient monitor by searching for it.
    await keys(['4'], 'speed: as fast as the transport settles');
    await keys(['/'], 'search id, kind or zone');
    await keys(['patient-monitor-001'], '1 devices matching "patient-monitor-001"');
    await keys(['Enter'], /^(?!.*search id, kind or zone)/s);
    await keys(['Enter'], 'Patient monitor · zone icu');

    // Inject sensor.bias on its SpO2, reading 40 % low, from the menu.
    await keys(['i'], 'Inject on patient-monitor-001');
    await keys(['bias'], '› sensor.bias');
    await keys(['Enter'], /signal +hr/);
    await keys(['Down'], /› signal/);
    await keys(['Right'], /signal +spo2/);
    await keys(['Down'], /› offset/);
    await keys(['-40'], /offset +-40/);
    await keys(['Enter'], 'injected sensor.bias on patient-monitor-001');

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
});
