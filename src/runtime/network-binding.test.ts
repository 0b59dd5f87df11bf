import { describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { Rng } from '../core/rng.ts';
import { FAULTS } from '../inject/registry.ts';
import { timelineEntrySchema, type TimelineEntry } from '../scenario/schema.ts';
import { networkNeeds, routeThroughNetwork } from './network-binding.ts';
import { RunNetwork } from './network-setup.ts';

const DEVICES = [
  { deviceId: 'pump-001', zone: 'icu', kind: 'infusion-pump' },
  { deviceId: 'pump-002', zone: 'icu', kind: 'infusion-pump' },
  { deviceId: 'mon-001', zone: 'ward', kind: 'patient-monitor' },
] as never[];

const entries = (...raw: unknown[]) => raw.map((e) => timelineEntrySchema.parse(e) as TimelineEntry);

describe('networkNeeds', () => {
  it('is undefined for a timeline with no network fault: the run keeps its direct path', () => {
    expect(networkNeeds(entries({ at: '1m', fault: 'device.reboot' }), FAULTS, DEVICES)).toBeUndefined();
    expect(networkNeeds([], FAULTS, DEVICES)).toBeUndefined();
  });

  it('gives a listener of its own to each device a link fault may pick, and to the twin when its connection is targeted', () => {
    const needs = networkNeeds(
      entries(
        { at: '1m', fault: 'network.latency', target: { zone: 'icu' } },
        { at: '1m', fault: 'network.mqtt-drop', target: { scope: 'link', kind: 'infusion-pump', count: 1 } },
        { at: '1m', fault: 'network.latency', target: { scope: 'twin' } },
      ),
      FAULTS,
      DEVICES,
    );
    // count: 1 is drawn when the entry fires: every device it may pick gets its listener now.
    expect(needs).toEqual({ ownLinks: ['pump-001', 'pump-002'], twinLink: true, site: false, freezeTwin: false });
  });
});

describe('routeThroughNetwork', () => {
  it('changes only host and port of what the inner options decided (scheme, credentials stay)', () => {
    const network = new RunNetwork({ clock: new SimClock(), rng: new Rng(1), devices: [{ id: 'pump-001', zone: 'icu' }] });
    // Not started: urlFor needs a listener, so route a client the network cannot place to see the error, and
    // the twin (no listener of its own) to see the inner options pass through.
    const route = routeThroughNetwork(network, (_client, defaults) => ({ ...defaults, identity: { clientId: 'x', username: 'u' } }));
    const twin = route({ role: 'twin' }, { url: 'mqtts://127.0.0.1:8883', identity: { clientId: 'twin' } });
    expect(twin).toEqual({ url: 'mqtts://127.0.0.1:8883', identity: { clientId: 'x', username: 'u' } });
    expect(() =>
      route({ role: 'device', device: { id: 'pump-001' } as never }, { url: 'mqtt://127.0.0.1:1', identity: { clientId: 'p' } }),
    ).toThrow(/start\(\) the network first/);
  });

  it('once started, a device goes to its zone’s listener on the same scheme', async () => {
    const network = new RunNetwork({ clock: new SimClock(), rng: new Rng(1), devices: [{ id: 'pump-001', zone: 'icu' }] });
    await network.start({ host: '127.0.0.1', port: 1 });
    try {
      const route = routeThroughNetwork(network);
      const endpoint = route(
        { role: 'device', device: { id: 'pump-001' } as never },
        { url: 'mqtts://127.0.0.1:8883', identity: { clientId: 'p' } },
      );
      expect(endpoint.url).toBe(`mqtts://127.0.0.1:${new URL(network.urlFor('pump-001')).port}`);
    } finally {
      await network.close();
    }
  });
});
