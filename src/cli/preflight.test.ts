import { describe, expect, it } from 'vitest';
import { assessFleet, preflight, type Resources } from './preflight.ts';

const here: Resources = { descriptors: { soft: 20_000, hard: 20_000 }, heapLimitMiB: 4144, availableMiB: 22_000 };

describe('assessFleet', () => {
  it('lets a 10,000-device fleet through (its broker in a child process)', () => {
    expect(assessFleet(10_000, 'child-process', here)).toEqual([]);
  });

  it('names descriptors for 20,000 devices, with shards and --broker as the remedy when the hard limit cannot rise', () => {
    const [finding, ...rest] = assessFleet(20_000, 'child-process', here);
    expect(rest).toEqual([]);
    expect(finding!.problem).toBe(
      'descriptors: the simulation needs about 20,257 open files (one per device connection, plus 256 for itself), and this process may open 20,000 (ulimit -n; hard limit 20,000)',
    );
    expect(finding!.remedies).toEqual([
      'split the fleet into shards of at most 19,743 devices, each its own medtwin run, all pointed at one broker with --broker mqtt://HOST:PORT (Mosquitto, EMQX, or aedes clustered through Redis)',
    ]);
  });

  it('offers ulimit when the hard limit allows it, and counts both ends when the broker shares the process', () => {
    const [finding] = assessFleet(3000, 'in-process', { ...here, descriptors: { soft: 4096, hard: 65_536 } });
    expect(finding!.problem).toContain('needs about 6,258 open files (one per device connection and one for its broker end');
    expect(finding!.remedies[0]).toBe('raise the limit before running: ulimit -n 6258 (the hard limit allows up to 65536)');
  });

  it('names the heap for 100,000 devices, with the Node option that gives more', () => {
    const findings = assessFleet(100_000, 'external', { ...here, descriptors: { soft: 1_048_576, hard: 1_048_576 } });
    expect(findings.map((f) => f.problem)).toEqual([
      "memory: the simulation needs about 4.5 GiB of JavaScript heap, and Node's limit here is 4.0 GiB",
    ]);
    expect(findings[0]!.remedies[0]).toBe('give Node more heap: NODE_OPTIONS=--max-old-space-size=7168');
  });

  it('names available memory, and --broker when the broker would run here', () => {
    const findings = assessFleet(10_000, 'child-process', { ...here, availableMiB: 500 });
    expect(findings.map((f) => f.problem)).toEqual(['memory: the run needs about 1.1 GiB with its broker, and 500 MiB is available']);
    expect(findings[0]!.remedies[0]).toContain('--broker');
  });

  it('throws one environment error (exit 3) listing every finding', () => {
    expect(() => preflight(100_000, 'child-process', here)).toThrow(
      expect.objectContaining({
        code: 'E_FLEET_TOO_LARGE',
        exitCode: 3,
        message: expect.stringMatching(/^a fleet of 100,000 devices will not fit/),
      }),
    );
  });
});
