import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { EmbeddedBroker } from '../../src/net/broker.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';
import type { Plan } from '../../src/scenario/plan.ts';
import { parsePersistence } from '../../src/net/broker-persistence.ts';
import { secureBrokerUrl } from '../../src/runtime/run-security.ts';
import { REDIS_URL, redisSkipReason } from './redis.ts';

/**
 * The built-in scenario library as the test files see it: discovered, loaded, and split in two by
 * estimated cost so that vitest's two workers share the runs (test/scenarios.test.ts takes shard 0,
 * test/scenarios-shard-2.test.ts shard 1).
 */
export const dir = join(import.meta.dirname, '..', '..', 'scenarios');
export const files = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => join(dir, name));
export const plans = await Promise.all(files.map((file) => loadScenarioFile(file, SCENARIO_REGISTRIES)));

/** The ward covers 24 h; its first 15 minutes show the baseline without taking minutes of wall time. */
export const SHORTENED: Record<string, number> = { 'ward.yaml': 15 * 60_000 };
export const nameOf = (plan: Plan) => plan.source!.slice(dir.length + 1);
const durationOf = (plan: Plan) => SHORTENED[nameOf(plan)] ?? plan.durationMs;

/** Rough wall cost: telemetry messages (each crosses the broker) plus the 1 s settle windows. */
function cost(plan: Plan): number {
  const ms = durationOf(plan);
  let messages = 0;
  for (const zone of plan.fleet.zones) {
    for (const [kind, count] of Object.entries(zone.devices))
      messages += (count * ms) / DEVICES[kind as keyof typeof DEVICES].telemetryPeriodMs;
  }
  return messages + ms / 4000;
}

/** Heaviest first, each to the lighter of the two shards. */
export function shard(index: number): Plan[] {
  const loads = [0, 0];
  const out: Plan[] = [];
  for (const plan of [...plans].sort((a, b) => cost(b) - cost(a) || nameOf(a).localeCompare(nameOf(b)))) {
    const to = loads[0]! <= loads[1]! ? 0 : 1;
    loads[to]! += cost(plan);
    if (to === index) out.push(plan);
  }
  return out;
}

const withBroker = (url: string | undefined) => (url === undefined ? {} : { brokerUrl: url });

/** Why a scenario that keeps its broker's state in Redis cannot run here (test/helpers/redis.ts), or undefined. */
const redisSkip = plans.some((plan) => plan.broker?.persistence?.kind === 'redis') ? await redisSkipReason() : undefined;

/**
 * Runs one shard's scenarios through the real runner on one embedded broker (a scenario that restarts
 * its broker, names its persistence, or runs a profile or the IDS opens its own); each must pass. One that needs Redis is
 * skipped, saying why, when Redis is absent (a failure under MEDTWIN_REQUIRE_REDIS=1).
 */
export function describeShardRuns(index: number): void {
  describe(`scenario runs (shard ${index + 1} of 2)`, () => {
    let broker: EmbeddedBroker;
    beforeAll(async () => {
      broker = await EmbeddedBroker.start({ port: 0 });
    });
    afterAll(async () => {
      await broker?.close();
    });

    for (const plan of shard(index)) {
      const shortened = SHORTENED[nameOf(plan)];
      const title = `${nameOf(plan)} passes on seed ${plan.seed}${shortened ? ` (first ${shortened / 60_000} min of ${plan.durationMs / 3_600_000} h)` : ''}`;
      const redis = plan.broker?.persistence?.kind === 'redis';
      if (redis && redisSkip) console.warn(`[skipped] ${nameOf(plan)}: ${redisSkip}`);
      it.skipIf(redis && redisSkip !== undefined)(title, { timeout: 180_000 }, async () => {
        const result = await executeScenario(plan, {
          // A scenario that restarts its broker, names its persistence, runs a security profile or the
          // intrusion detector opens its own, as `medtwin run --seeds` does (secureBrokerUrl).
          ...withBroker(secureBrokerUrl(plan, { url: broker.url, embedded: true })),
          // The test's Redis (MEDTWIN_TEST_REDIS), under the run's own key prefix.
          ...(redis ? { persistence: parsePersistence(REDIS_URL) } : {}),
          durationMs: durationOf(plan),
        });
        const failed = result.expectations.filter((e) => !e.passed).map((e) => `${e.name}: ${e.message}`);
        const { lost, settleTimeouts, lostToFaults = 0 } = result.delivery;
        // Losses a network fault of the scenario causes on purpose are its effect, counted in the ledger.
        if (lost - lostToFaults > 0 || settleTimeouts > 0)
          failed.push(`transport: ${lost - lostToFaults} messages lost unexplained, ${settleTimeouts} settle timeouts`);
        expect(failed, `${nameOf(plan)} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
        expect(result.ok).toBe(true);
        expect(result.expectations).toHaveLength(plan.expectations?.length ?? 0);
      });
    }
  });
}
