import { describe, expect, it } from 'vitest';
import { SessionBook, type PathState } from './session-book.ts';
import type { SessionDriver } from './session-driver.ts';

/** A driver as the book reads it: connected on a socket from `port`, nothing of its own in flight. */
function driver(port: number): SessionDriver {
  return {
    state: 'connected',
    closing: false,
    inFlight: 0,
    client: { stream: { connecting: false, localPort: port, bytesWritten: 0 } },
    onChange: () => () => {},
  } as unknown as SessionDriver;
}

describe('SessionBook', () => {
  it('counts again only the client whose connection the network had news of, or every client', () => {
    const paths = new Map<string, PathState>([
      ['pump-001', 'open'],
      ['pump-002', 'open'],
    ]);
    const book = new SessionBook();
    book.setPath((clientId) => paths.get(clientId) ?? 'open');
    book.add('pump-001', driver(50001));
    book.add('pump-002', driver(50002));
    let changes = 0;
    book.onChange(() => changes++);
    expect(book.outstanding).toBe(0);

    // Both connections cut; the news of pump-001's came: it is about to hear of it, and is waited for.
    paths.set('pump-001', 'none');
    paths.set('pump-002', 'none');
    book.recountClient('pump-001');
    expect([book.outstanding, book.pending(), changes]).toEqual([1, ['pump-001'], 1]);
    // A client the book does not know changes nothing, but the barrier still hears of it.
    book.recountClient('stranger');
    expect([book.outstanding, changes]).toEqual([1, 2]);
    // A full count (a fault began or ended) takes in every client.
    book.recount();
    expect(book.pending()).toEqual(['pump-001', 'pump-002']);
  });

  it('waits for nothing while the wall clock paces the run, and is current when it stops', () => {
    let windowed = false;
    const book = new SessionBook();
    book.countWhile(() => windowed);
    book.setPath(() => 'none');
    book.add('pump-001', driver(50001));
    // Realtime at ×N: the cut connection's news has its wall time to arrive; the barrier waits for none.
    expect([book.outstanding, book.pending()]).toEqual([0, []]);
    // Switched to 'max': the same exchange counts at once, without a recount.
    windowed = true;
    expect([book.outstanding, book.pending()]).toEqual([1, ['pump-001']]);
  });

  it('lets a PINGREQ alone on an open path wait until its answer is due, and counts it for the barrier meanwhile', () => {
    const paths = new Map<string, PathState>([['pump-001', 'open']]);
    const book = new SessionBook();
    book.setPath((clientId) => paths.get(clientId) ?? 'open');
    const pinging = { ...driver(50001), inFlight: 1, pingDue: 90_000 } as unknown as SessionDriver;
    const other = { ...driver(50002), inFlight: 1, pingDue: 75_000 } as unknown as SessionDriver;
    book.add('pump-001', pinging);
    book.add('pump-002', other);
    expect([book.outstanding, book.urgent, book.pingDeadline]).toEqual([2, 0, 75_000]);
    // Its path cut: the client is about to hear of it, which cannot wait.
    paths.set('pump-002', 'none');
    book.recountClient('pump-002');
    expect([book.outstanding, book.urgent, book.pingDeadline]).toEqual([2, 1, 90_000]);
    // Swallowed: not waited for at all (the fault's end is counted again).
    paths.set('pump-001', 'swallowed');
    book.recount();
    expect([book.outstanding, book.urgent, book.pingDeadline]).toEqual([1, 1, undefined]);
  });
});
