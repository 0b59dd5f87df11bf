import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionGate } from './connection-gate.ts';
import { descriptorLimit } from './descriptor-limit.ts';

describe('ConnectionGate', () => {
  it('refuses past the connection cap until a connection closes', () => {
    const gate = new ConnectionGate({ maxConnections: 2, connectionsPerAddressPerSecond: 0 });
    expect([gate.admit('a', 0), gate.admit('b', 0), gate.admit('c', 0)]).toEqual([undefined, undefined, 'max-connections']);
    gate.release();
    expect(gate.admit('c', 1)).toBeUndefined();
    expect(gate.open).toBe(2);
  });

  it('limits new connections per address per second, each address on its own', () => {
    const gate = new ConnectionGate({ maxConnections: 100, connectionsPerAddressPerSecond: 2 });
    expect([gate.admit('a', 0), gate.admit('a', 10), gate.admit('a', 20), gate.admit('b', 30)]).toEqual([
      undefined,
      undefined,
      'rate',
      undefined,
    ]);
    // The next second starts afresh.
    expect(gate.admit('a', 1000)).toBeUndefined();
  });
});

describe('descriptorLimit', () => {
  it("reads the soft limit from /proc's limits table, and nothing from a missing or unlimited one", () => {
    const file = join(tmpdir(), `medtwin-limits-${process.pid}`);
    writeFileSync(
      file,
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n',
    );
    expect(descriptorLimit(file)).toBe(1024);
    writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
    expect(descriptorLimit(file)).toBeUndefined();
    expect(descriptorLimit(join(tmpdir(), 'no-such-limits-file'))).toBeUndefined();
    // This machine's own (Linux): a number.
    expect(descriptorLimit()).toBeGreaterThan(0);
  });
});
