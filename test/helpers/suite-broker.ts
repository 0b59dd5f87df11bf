import { afterAll, beforeAll } from 'vitest';
import { EmbeddedBroker } from '../../src/net/broker.ts';

/**
 * A real embedded broker on a free port for the describe block (or file) that calls this: started
 * before its tests, closed after them. Read `url` inside a test, once the broker is up.
 */
export function suiteBroker(): { readonly url: string } {
  let broker: EmbeddedBroker | undefined;
  beforeAll(async () => {
    broker = await EmbeddedBroker.start({ port: 0 });
  });
  afterAll(async () => {
    await broker?.close();
  });
  return {
    get url(): string {
      if (broker === undefined) throw new Error('suiteBroker: read url inside a test, once beforeAll has started the broker');
      return broker.url;
    },
  };
}
