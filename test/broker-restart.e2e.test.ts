import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChannelSummary } from '../src/net/delivery-ledger.ts';
import { parsePersistence, type PersistenceChoice } from '../src/net/broker-persistence.ts';
import { parseScenario } from '../src/index.ts';
import { createReporters } from '../src/report/registry.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import type { Plan } from '../src/scenario/plan.ts';
import type { RunResult } from '../src/scenario/result.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { deleteKeys, REDIS_URL, redisSkipReason, testPrefix } from './helpers/redis.ts';

const MIN = 60_000;
const skipRedis = await redisSkipReason();
if (skipRedis) console.warn(`[skipped] the Redis half of test/broker-restart.e2e.test.ts: ${skipRedis}`);

/**
 * `network.broker-restart` in a run, end to end: real device and station clients through the run's
 * fault proxies to a real aedes that stops and starts on its port, in memory and on the real Redis.
 * Fast mode gives the same digest whatever the settle window; every message is accounted per device
 * and channel in the JSON report (published = delivered + lost, each loss with its reason); with
 * Redis no QoS 1 alarm is lost across the restart, in memory the report shows what it cost.
 */
/**
 * Two ICU beds (a monitor and a pump each) for 3 min, the broker down from 1m to 1m30s, and the
 * station pausing a pump at each `[at, device]`; `security`, a scenario line such as a profile.
 */
function pausesIntoRestart(name: string, file: string, pauses: [at: string, device: string][], security = ''): Plan {
  const commands = pauses.map(([at, device]) => `  - { at: ${at}, target: { device: ${device} }, command: { type: pause } }`);
  return parseScenario(
    `
name: ${name}
seed: 1
duration: 3m
${security}
fleet:
  zones:
    - id: icu
      beds: 2
      devices: { patient-monitor: 2, infusion-pump: 2 }
      config:
        infusion-pump: { profile: { drug: normal-saline, rate: 100, vtbi: 500 } }
timeline:
  - { id: update, at: 1m, fault: network.broker-restart, target: { scope: site }, params: { downtime: 30s } }
commands:
${commands.join('\n')}
`,
    file,
  );
}

describe('a broker restart in a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plan: Plan = smallWard({
    durationMs: 4 * MIN,
    timeline: parseTimeline([
      { id: 'update', at: '1m', fault: 'network.broker-restart', target: { scope: 'site' }, params: { downtime: '30s' } },
    ]),
  });

  /** Runs the plan and reads its result back from the JSON report it wrote. */
  async function run(syncMs: number, persistence: PersistenceChoice, name: string, proxyUpstream?: 'tcp'): Promise<RunResult> {
    const file = join(dir, `${name}.json`);
    const reporter = createReporters([`json:${file}`]);
    const result = await executeScenario(plan, { syncMs, persistence, ...(proxyUpstream ? { proxyUpstream } : {}) });
    await reporter.onRunEnd?.(result);
    await reporter.onEnd?.();
    const written = JSON.parse(readFileSync(file, 'utf8')) as RunResult | { runs: RunResult[] };
    return 'runs' in written ? written.runs[0]! : written;
  }

  /** published = delivered + lost on every device and channel, each loss with a reason, nothing left on its way. */
  function tiesOut(result: RunResult): Record<string, number> {
    const ledger = result.delivery.ledger!;
    expect(ledger.totals.inFlight).toBe(0);
    expect(ledger.totals.buffered).toBe(0);
    const reasons: Record<string, number> = {};
    for (const [device, channels] of Object.entries(ledger.devices)) {
      for (const [channel, c] of Object.entries(channels) as [string, ChannelSummary][]) {
        expect(c.published, `${device} ${channel}`).toBe(c.delivered + c.lost);
        expect(
          Object.values(c.lostBy).reduce((a, b) => a + b, 0),
          `${device} ${channel}`,
        ).toBe(c.lost);
        for (const [reason, n] of Object.entries(c.lostBy)) reasons[reason] = (reasons[reason] ?? 0) + n;
      }
    }
    // Every loss is the restart's, or a device's buffer policy while it was offline: none by a stall.
    for (const reason of Object.keys(reasons)) expect(reason).toMatch(/^(broker:restart|device:)/);
    expect(result.delivery.settleTimeouts).toBe(0);
    expect(result.delivery.lost).toBe(result.delivery.lostToFaults);
    return reasons;
  }

  const alarmsLost = (result: RunResult) =>
    Object.values(result.delivery.ledger!.devices).reduce((n, channels) => n + (channels.alarm?.lost ?? 0), 0);

  it('in memory: the same digest across settle windows and the proxies’ leg to the broker, and the restart’s cost booked as broker:restart', async () => {
    const memory: PersistenceChoice = { kind: 'memory' };
    const [short, mid, long] = [await run(1000, memory, 'm1'), await run(7000, memory, 'm7'), await run(60_000, memory, 'm60')];
    // The proxies' leg to the restarting broker over loopback TCP rather than in-process: the same run.
    const overTcp = await run(7000, memory, 'm7-tcp', 'tcp');
    expect(mid.digest).toBe(short.digest);
    expect(long.digest).toBe(short.digest);
    expect(overTcp.digest).toBe(short.digest);
    for (const result of [short, mid, long, overTcp]) tiesOut(result);
    const reasons = tiesOut(short);
    // Devices back before the station published into a broker with no session for it.
    expect(reasons['broker:restart']).toBeGreaterThan(0);
    expect(short.ok).toBe(true);
  }, 240_000);

  it('commands the station sends while the broker is down are lost at once (network:station-offline), never waited for', async () => {
    // The station's session refuses to publish while it is down: before, each command stayed in flight
    // until the settle barrier gave up on it (a settle timeout, written off "nothing delivered").
    const withCommands = pausesIntoRestart('commands into a restarting broker', 'restart-commands.yaml', [
      ['1m5s', 'infusion-pump-001'],
      ['1m20s', 'infusion-pump-002'],
      ['2m30s', 'infusion-pump-001'],
    ]);
    const [short, long] = [await executeScenario(withCommands, { syncMs: 1000 }), await executeScenario(withCommands, { syncMs: 60_000 })];
    expect(long.digest).toBe(short.digest);
    expect(short.delivery.settleTimeouts).toBe(0);
    const cmd = (device: string) => short.delivery.ledger!.devices[device]!.cmd!;
    expect(cmd('infusion-pump-001')).toMatchObject({ published: 2, delivered: 1, lost: 1, lostBy: { 'network:station-offline': 1 } });
    expect(cmd('infusion-pump-002')).toMatchObject({ published: 1, delivered: 0, lost: 1, lostBy: { 'network:station-offline': 1 } });
  }, 120_000);

  it("a console's command while the broker is down is lost to the console's own link, even to a device that is down too", async () => {
    // Under a profile whose commands go through operator consoles, the console reconnects on the
    // run's clock as the station does; before, it followed mqtt.js' wall-clock timers, and a command
    // it sent to a device the restart had also cut off was booked to the device (network:device-offline).
    const viaConsole = pausesIntoRestart(
      'console commands into a restarting broker',
      'console-restart.yaml',
      [
        ['1m5s', 'infusion-pump-001'],
        ['2m30s', 'infusion-pump-001'],
      ],
      'security: { profile: baseline }',
    );
    const [short, long] = [await executeScenario(viaConsole, { syncMs: 1000 }), await executeScenario(viaConsole, { syncMs: 60_000 })];
    expect(long.digest).toBe(short.digest);
    expect(short.delivery.settleTimeouts).toBe(0);
    // Both went to the console; its link refused the first (down, on the run's clock) and carried the second.
    expect(short.security!.commands.viaConsole).toBe(2);
    const cmd = short.delivery.ledger!.devices['infusion-pump-001']!.cmd!;
    expect(cmd).toMatchObject({ published: 2, delivered: 1, lost: 1, lostBy: { 'network:station-offline': 1 } });
  }, 120_000);

  it.skipIf(skipRedis !== undefined)(
    'on Redis: the same digest across settle windows, no QoS 1 alarm lost, only QoS 0 lost to the restart, no keys left',
    async () => {
      const prefix = testPrefix();
      const redis = parsePersistence(`${REDIS_URL}?prefix=${prefix}`);
      const [short, mid, long] = [await run(1000, redis, 'r1'), await run(7000, redis, 'r7'), await run(60_000, redis, 'r60')];
      expect(mid.digest).toBe(short.digest);
      expect(long.digest).toBe(short.digest);
      tiesOut(mid);
      tiesOut(long);
      tiesOut(short);
      const ledger = short.delivery.ledger!;
      // The monitors raised their communication-loss alarm while the broker was down: the station got them.
      expect(Object.values(ledger.devices).reduce((n, channels) => n + (channels.alarm?.held ?? 0), 0)).toBeGreaterThan(0);
      expect(alarmsLost(short)).toBe(0);
      // What the restart still cost is QoS 0 telemetry, which no broker keeps for an absent session.
      for (const [device, channels] of Object.entries(ledger.devices))
        for (const [channel, c] of Object.entries(channels))
          if (c.lostBy['broker:restart']) expect(`${device} ${channel}`).toMatch(/ telemetry$/);
      // The same run in memory loses alarms: what Redis saved.
      const memory = await run(1000, { kind: 'memory' }, 'm1-again');
      expect(alarmsLost(memory)).toBeGreaterThan(0);
      expect(await deleteKeys(prefix)).toBe(0);
    },
    300_000,
  );
});
