import { createRequire } from 'node:module';
import type { AedesOptions } from 'aedes';
import type { Redis } from 'ioredis';
import { InputError, MedtwinError, describeValue } from '../core/errors.ts';
import { drainingPersistence } from './draining-persistence.ts';
import { indexedMemoryPersistence } from './retained-index.ts';

/** Where the embedded broker keeps sessions, QoS 1 queues and retained messages. */
export type PersistenceChoice = { kind: 'memory' } | { kind: 'redis'; url: string; keyPrefix: string };

/** Key prefix of medtwin's broker state in Redis, unless the URL's `?prefix=` says otherwise. */
export const DEFAULT_REDIS_PREFIX = 'medtwin:broker:';

/**
 * Reads `--persistence`: `memory` (the default; lost when the broker stops) or a Redis URL,
 * `redis://[user:password@]host[:port][/db][?prefix=name:]`.
 */
export function parsePersistence(value: string, where = '--persistence'): PersistenceChoice {
  if (value === 'memory') return { kind: 'memory' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'E_PERSISTENCE',
      `${where}: expected "memory" or a Redis URL like redis://127.0.0.1:6379, received ${describeValue(value)}`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new InputError('E_PERSISTENCE', `${where}: expected "memory" or a redis:// URL, received ${describeValue(value)}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new InputError(
      'E_PERSISTENCE',
      `${where}: the path of a Redis URL is a database number like /2, received ${describeValue(url.pathname)}`,
    );
  const keyPrefix = url.searchParams.get('prefix') ?? DEFAULT_REDIS_PREFIX;
  url.search = '';
  return { kind: 'redis', url: url.toString(), keyPrefix };
}

/** An opened persistence: what aedes takes, and how to let go of it when the broker stops. */
export interface OpenedPersistence {
  persistence: NonNullable<AedesOptions['persistence']>;
  /** For logs and reports: "memory" or the Redis URL (no password). */
  description: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * Opens the persistence. Redis must answer within `timeoutMs`, or this fails with a message saying
 * what to do (exit code 3: the environment, not the input). aedes-persistence-redis 11.2 is the
 * line aedes 1.2 names as its peer (12.x needs a newer aedes-persistence than aedes 1.2 ships with).
 */
export async function openPersistence(choice: PersistenceChoice, timeoutMs = 3000): Promise<OpenedPersistence> {
  if (choice.kind === 'memory') return { persistence: indexedMemoryPersistence(), description: 'memory', close: async () => {} };
  const redis = new (await loadRedis())(choice.url, {
    keyPrefix: choice.keyPrefix,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 3,
  });
  // ioredis reports a lost connection as an 'error' event as well as in the failing command; without a
  // listener it would be an uncaught exception.
  redis.on('error', () => {});
  const description = redact(choice.url);
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new MedtwinError(
      'E_REDIS_UNREACHABLE',
      `the broker's persistence could not reach Redis at ${description}: ${error instanceof Error ? error.message : String(error)}; start Redis (redis-server) or run without --persistence`,
      { exitCode: 3, cause: error },
    );
  }
  const factory = require('aedes-persistence-redis') as (options: { conn: Redis }) => OpenedPersistence['persistence'];
  // aedes acknowledges a QoS 1 message before it has stored it: a stop must let those writes finish
  // (draining-persistence.ts).
  const tracked = drainingPersistence(factory({ conn: redis }));
  return {
    persistence: tracked.persistence,
    description,
    close: async () => {
      await tracked.drain(timeoutMs);
      // Some writes aedes-persistence-redis does not wait for itself (the will list, dropping a dead
      // queue entry); Redis answers in order, so once a PING is answered they are all done.
      await Promise.race([redis.ping().catch(() => {}), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      // Without a callback, destroy goes straight to the Redis layer, which disconnects the connection we gave it.
      await (tracked.persistence as { destroy(): Promise<void> }).destroy().catch(() => redis.disconnect());
    },
  };
}

/**
 * Deletes every key a persistence wrote under its prefix (a run's own broker, closing). Memory has
 * nothing to delete. SCAN, not KEYS, so a shared Redis is not blocked; failures are left alone (the
 * run's result does not depend on them).
 */
export async function clearPersistence(choice: PersistenceChoice): Promise<void> {
  if (choice.kind !== 'redis') return;
  const redis = new (await loadRedis())(choice.url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${choice.keyPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } catch {
    // Redis went away meanwhile: the keys stay under their own prefix, where no other run looks.
  } finally {
    redis.disconnect();
  }
}

/** ioredis, loaded when a Redis persistence is opened: the CLI parses `--persistence` without it. */
async function loadRedis(): Promise<typeof Redis> {
  return (await import('ioredis')).Redis;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
