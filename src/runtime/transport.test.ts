import { describe, expect, it } from 'vitest';
import type { LinkOpener } from '../net/device-link.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
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

  it('takes an external broker as given, and starts nothing', async () => {
    const transport = await openTransport({ brokerUrl: 'mqtt://127.0.0.1:1', links: 'in-thread' }, 5000, DEFAULT_DEPENDENCIES, () => {});
    expect(transport.broker).toMatchObject({ url: 'mqtt://127.0.0.1:1', placement: 'external' });
    expect(transport.links).toBe('in-thread');
    await transport.close();
  });
});
