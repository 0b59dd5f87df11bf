import { describe, expect, it } from 'vitest';
import type { LinkOpener } from '../net/device-link.ts';
import { LinkPool } from '../net/link-pool.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { IN_THREAD_FOR_NETWORK_FAULTS, LINK_THREAD_THRESHOLD } from './run-options.ts';
import { openTransport } from './transport.ts';

describe('transport', () => {
  it('opens an embedded broker in this process for a small fleet, its clients on this thread, and closes it', async () => {
    const opened: string[] = [];
    const transport = await openTransport(
      {
        port: 0,
        wrapLinks: (links): LinkOpener => ({
          open: (options, onMessage) => {
            opened.push(options.identity.clientId);
            return links.open(options, onMessage);
          },
        }),
      },
      40,
      DEFAULT_DEPENDENCIES,
      () => {},
    );
    try {
      expect(transport.broker.placement).toBe('in-process');
      expect(transport.broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(transport.links).toBe('in-thread');
      // The wrapper sits in front of every link the run opens.
      const link = await transport.opener.open({ url: transport.broker.url, identity: { clientId: 'probe' }, subscribe: 'x/#' }, () => {});
      expect(opened).toEqual(['probe']);
      await link.close();
    } finally {
      await transport.close();
    }
  });

  it('keeps a large fleet whose sessions run on the simulation clock in-thread, and says why; an explicit placement wins', async () => {
    let pools = 0;
    const deps = {
      ...DEFAULT_DEPENDENCIES,
      createLinkPool: () => {
        pools++;
        return new LinkPool();
      },
    };
    const open = (options: { links?: 'in-thread' | 'link-thread' }, onSimulationClock: boolean) =>
      openTransport(
        { brokerUrl: 'mqtt://127.0.0.1:1', ...options },
        LINK_THREAD_THRESHOLD,
        deps,
        () => {},
        undefined,
        {},
        onSimulationClock,
      );

    const bySize = await open({}, false);
    expect([bySize.links, bySize.linksNote]).toEqual(['link-thread', undefined]);
    await bySize.close();
    expect(pools).toBe(1);

    const kept = await open({}, true);
    expect(kept.links).toBe('in-thread');
    expect(kept.linksNote).toBe(IN_THREAD_FOR_NETWORK_FAULTS);
    await kept.close();
    expect(pools).toBe(1);

    // Asked for: the transport obeys, and the run's controls refuse it at boot (E_NETWORK_LINK_THREAD, run-parts.test.ts).
    const asked = await open({ links: 'link-thread' }, true);
    expect([asked.links, asked.linksNote]).toEqual(['link-thread', undefined]);
    await asked.close();
  });

  it('takes an external broker as given, and starts nothing', async () => {
    const transport = await openTransport({ brokerUrl: 'mqtt://127.0.0.1:1', links: 'in-thread' }, 5000, DEFAULT_DEPENDENCIES, () => {});
    expect(transport.broker).toMatchObject({ url: 'mqtt://127.0.0.1:1', placement: 'external' });
    expect(transport.links).toBe('in-thread');
    await transport.close();
  });
});
