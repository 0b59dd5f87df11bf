import { describe, expect, it } from 'vitest';
import { parsePersistence } from '../src/net/broker-persistence.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import { smallWard } from './helpers/plans.ts';
import { REDIS_URL, deleteKeys, redisSkipReason, testPrefix } from './helpers/redis.ts';

const skip = await redisSkipReason();
if (skip) console.warn(`[skipped] ${skip}`);

/**
 * `medtwin run --persistence redis://…` on a real run: the run's own broker keeps its state in the
 * real Redis. Nothing is lost and the log is the same as in memory (the persistence changes where the
 * broker keeps its state, not what the ward does), and the run's keys are gone once it ends.
 */
describe.skipIf(skip !== undefined)('a run whose broker keeps its state in Redis', () => {
  it('delivers every message, with the digest of the same run in memory, and leaves no keys', async () => {
    const plan = smallWard({ durationMs: 3 * 60_000 });
    const prefix = testPrefix();
    const redis = await executeScenario(plan, { persistence: parsePersistence(`${REDIS_URL}?prefix=${prefix}`) });
    const memory = await executeScenario(plan, { persistence: { kind: 'memory' } });
    expect(redis.delivery.ledger!.totals.lost).toBe(0);
    expect(redis.delivery.settleTimeouts).toBe(0);
    expect(redis.delivery.ledger!.totals.delivered).toBe(redis.delivery.ledger!.totals.published);
    expect(redis.digest).toBe(memory.digest);
    expect(await deleteKeys(prefix)).toBe(0);
  }, 120_000);
});
