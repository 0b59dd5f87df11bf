import { describe, expect, it } from 'vitest';
import { formatComparison, parseLinks, ratioSummary } from '../bench/compare.ts';

describe('bench:compare summaries', () => {
  it('gives the median ratio of head to base over the pairs, with its range', () => {
    expect(ratioSummary([100, 100, 100], [110, 130, 90])).toBe('1.10× (0.90–1.30)');
    // An even number of pairs: the mean of the middle two.
    expect(ratioSummary([10, 10, 10, 10], [11, 12, 9, 13])).toBe('1.15× (0.90–1.30)');
    expect(ratioSummary([], [])).toBe('–');
  });

  it('compares throughput for virtual-time rows and latency for realtime ones', () => {
    const fast = formatComparison('ward', 'main', [
      { base: { messagesPerSecond: 18_000, cpuUsPerMessage: 70 }, head: { messagesPerSecond: 27_000, cpuUsPerMessage: 50 } },
    ]);
    expect(fast).toContain('| 1 | 18,000 msg/s · 70 µs CPU/msg | 27,000 msg/s · 50 µs CPU/msg |');
    expect(fast).toContain('- msg/s 1.50× (1.50–1.50) (above 1 is better)');
    expect(fast).toContain('- simulation CPU per message 0.71× (0.71–0.71)');
    const realtime = formatComparison('monitors-10000', 'main', [
      {
        base: { messagesPerSecond: 10_000, cpuUsPerMessage: 120, p99Ms: 800, steadyP99Ms: 200 },
        head: { messagesPerSecond: 10_000, cpuUsPerMessage: 100, p99Ms: 400, steadyP99Ms: 100 },
      },
    ]);
    expect(realtime).toContain('p99 800 ms (after 5 s 200)');
    expect(realtime).toContain('- p99 latency 0.50× (0.50–0.50); after 5 s 0.50× (0.50–0.50) (below 1 is better)');
    expect(realtime).not.toContain('msg/s 1.00×');
  });

  it('places the device clients of both sides alike, or each side its own', () => {
    expect(parseLinks('link-thread')).toEqual({ base: 'link-thread', head: 'link-thread' });
    expect(parseLinks('in-thread:link-thread')).toEqual({ base: 'in-thread', head: 'link-thread' });
    expect(() => parseLinks('thread')).toThrowErrorMatchingInlineSnapshot(
      `[Error: --links: expected in-thread or link-thread, or two of them as <ref's>:<tree's>, received "thread"]`,
    );
  });
});
