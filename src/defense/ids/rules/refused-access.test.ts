import { describe, expect, it } from 'vitest';
import { IDS_FLEET, runRule } from '../../../../test/helpers/ids.ts';
import { NO_CLIENT_ID, type Observation } from '../observation.ts';

describe('refused-access', () => {
  it('flags a refused TLS handshake and a refused login, once per source within realertMs', () => {
    const tries: Observation[] = [
      { kind: 'protocol.error', t: 1000, clientId: NO_CLIENT_ID, reason: 'tls', detail: 'TLS: peer did not return a certificate' },
      { kind: 'protocol.error', t: 1000, clientId: NO_CLIENT_ID, reason: 'tls', detail: 'TLS: peer did not return a certificate' },
      { kind: 'connect.refused', t: 2000, clientId: 'mqtt-explorer-5f3a1c', reason: 'anonymous' },
    ];
    expect(runRule('refused-access', tries).map((a) => [a.t, a.clientId, a.severity])).toEqual([
      [1000, NO_CLIENT_ID, 'medium'],
      [2000, 'mqtt-explorer-5f3a1c', 'medium'],
    ]);
  });

  it('stays quiet for the fleet logging in, and for an oversized packet (malformed-packet’s)', () => {
    const benign: Observation[] = [
      ...IDS_FLEET.devices.map((d) => ({
        kind: 'connect' as const,
        t: 0,
        clientId: `medtwin-${d.id}`,
        authenticatedAs: `medtwin-${d.id}`,
        takeover: false,
      })),
      { kind: 'protocol.error', t: 5, clientId: NO_CLIENT_ID, reason: 'oversized', detail: 'packet too large' },
    ];
    expect(runRule('refused-access', benign)).toEqual([]);
  });
});
