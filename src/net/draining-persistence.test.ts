import { describe, expect, it } from 'vitest';
import { drainingPersistence } from './draining-persistence.ts';

/** A store shaped like aedes-persistence-redis: #private state, async methods, a sync one. */
class Store {
  #log: string[] = [];
  #gates: (() => void)[] = [];
  async setup(): Promise<void> {}
  async write(what: string): Promise<void> {
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    this.#log.push(what);
  }
  open(): void {
    for (const open of this.#gates.splice(0)) open();
  }
  get log(): string[] {
    return this.#log;
  }
}

describe('drainingPersistence', () => {
  it('waits for running calls and for the call a finished one chains, and keeps the store working', async () => {
    const store = new Store();
    const { persistence, drain } = drainingPersistence(store);
    // aedes refuses a persistence whose setup is not an async function.
    expect(persistence.setup.constructor.name).toBe('AsyncFunction');
    // As aedes' publish does: the offline queue's write starts from the retained write's callback.
    void persistence.write('retained').then(() => persistence.write('queued'));
    let drained: boolean | undefined;
    const draining = drain(5000).then((result) => (drained = result));
    persistence.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBeUndefined();
    persistence.open();
    await draining;
    expect(drained).toBe(true);
    expect(persistence.log).toEqual(['retained', 'queued']);
  });

  it('gives up after the timeout when a call never ends', async () => {
    const tracked = drainingPersistence(new Store());
    void tracked.persistence.write('stuck');
    expect(tracked.pending).toBe(1);
    expect(await tracked.drain(20)).toBe(false);
  });
});
