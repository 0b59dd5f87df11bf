import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName } from '../../src/net/security/controls.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { Run } from '../../src/runtime/run.ts';
import { TrafficMonitor } from '../../src/tui/traffic/monitor.ts';
import { smallWard } from '../helpers/plans.ts';
import { until } from '../helpers/until.ts';

/*
 * The TUI's traffic view on a secured run: its own mqtt.js client connects as an identity of the run
 * (Run.observerEndpoint) over the run's TLS, and sees the devices' real messages on the run's broker.
 */

const site = 'test-hospital';
const pumpTopics = `medtwin/${site}/icu/infusion-pump/infusion-pump-001/#`;
const runs: Run[] = [];
const monitors: TrafficMonitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.stop()));
  await Promise.all(runs.splice(0).map((r) => r.close()));
});

async function openRun(profile: ProfileName): Promise<Run> {
  const run = new Run(smallWard({ durationMs: 3 * 60_000, security: resolveSecurity({ profile }) }), DEFAULT_DEPENDENCIES);
  runs.push(run);
  await run.open();
  return run;
}

async function runToMinute(run: Run): Promise<void> {
  run.pause();
  void run.runToEnd();
  run.step(60_000);
  await until(() => run.phase === 'paused' && run.clock.now() >= 60_000, 'the run to pause at 1 min', 30_000);
}

describe('the traffic view on a secured run', () => {
  it('baseline: an anonymous client is refused; the run-given identity reads the zone over TLS, the password never in the monitor', async () => {
    const run = await openRun('baseline');
    const url = run.brokerUrl!;
    expect(url).toMatch(/^mqtts:/);

    const anonymous = new TrafficMonitor(
      { url, identity: { clientId: 'medtwin-tui-traffic-test' }, tls: { ca: run.security!.caCertificate! } },
      pumpTopics,
    );
    monitors.push(anonymous);
    await expect(anonymous.start()).rejects.toThrow(/not authori[sz]ed/i);

    const endpoint = run.observerEndpoint('medtwin-tui-traffic-test', 'icu');
    // The icu clinician console carries the run's commands; the traffic view reads as the zone's biomed console.
    expect(endpoint.identity).toMatchObject({ clientId: 'medtwin-console-biomed-icu', username: 'medtwin-console-biomed-icu' });
    expect(endpoint.tls?.ca).toBe(run.security!.caCertificate);
    const monitor = new TrafficMonitor(endpoint, pumpTopics);
    monitors.push(monitor);
    await monitor.start();
    expect(JSON.stringify(monitor)).not.toContain(endpoint.identity.password!);
    expect(monitor.clientId).toBe('medtwin-console-biomed-icu');

    await runToMinute(run);
    await until(() => monitor.messages().some((m) => m.channel === 'telemetry'), 'telemetry in the traffic view', 10_000);
    expect(monitor.error).toBeUndefined();
    const telemetry = monitor.messages().filter((m) => m.channel === 'telemetry');
    expect(telemetry.every((m) => m.device === 'infusion-pump-001' && m.envelope !== undefined)).toBe(true);

    // Another zone is outside that console's ACL: the broker refuses the filter, and the view says so.
    await monitor.setFilter(`medtwin/${site}/ward-a/#`);
    expect(monitor.error).toMatch(/cannot subscribe to medtwin\/test-hospital\/ward-a\/# as medtwin-console-biomed-icu/);
    // Nobody of the run may read the whole site (security reads $SYS only): said, not attempted.
    expect(() => run.observerEndpoint('medtwin-tui-traffic-test', undefined)).toThrow(/may read the whole site/);
  });

  it('open: the traffic view connects as itself, anonymously, as before', async () => {
    const run = await openRun('open');
    expect(run.observerEndpoint('medtwin-tui-traffic-test', 'icu')).toEqual({
      url: run.brokerUrl,
      identity: { clientId: 'medtwin-tui-traffic-test' },
    });
  });
});
