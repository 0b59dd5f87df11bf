import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.MEDTWIN_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/**
 * Why the Redis tests cannot run here, or undefined when they can. CI sets MEDTWIN_REQUIRE_REDIS=1,
 * which turns an unreachable Redis into a failing test instead of a skip.
 */
export async function redisSkipReason(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const reason = `Redis is not reachable at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)}); skipping the broker-persistence tests (apt-get install redis-server)`;
    if (process.env.MEDTWIN_REQUIRE_REDIS === '1') throw new Error(`${reason} — but MEDTWIN_REQUIRE_REDIS=1 requires it`);
    return reason;
  } finally {
    redis.disconnect();
  }
}

/** A key prefix of this test's own, so tests running at once never see each other's keys. */
export function testPrefix(): string {
  return `medtwin-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
