import { describe, expect, it } from 'vitest';
import { IDS_FLEET, publish, runRule, topic } from '../../../../test/helpers/ids.ts';
import { NO_CLIENT_ID, type Observation } from '../observation.ts';

describe('malformed-packet', () => {
  it('flags a malformed and an oversized packet, each its own alert', () => {
    const bad: Observation[] = [
      { kind: 'protocol.error', t: 1000, clientId: NO_CLIENT_ID, reason: 'malformed', detail: 'Invalid protocolId' },
      { kind: 'protocol.error', t: 1000, clientId: NO_CLIENT_ID, reason: 'oversized', detail: 'packet of 1048576 bytes over the limit' },
    ];
    expect(runRule('malformed-packet', bad).map((a) => [a.severity, a.summary.split(' ')[0]])).toEqual([
      ['high', 'malformed'],
      ['high', 'oversized'],
    ]);
  });

  it('stays quiet for well-formed fleet traffic and for a refused TLS handshake (refused-access’s)', () => {
    const benign: Observation[] = [
      ...IDS_FLEET.devices.map((d) => publish(0, `medtwin-${d.id}`, topic(d.id, 'telemetry'), '{}')),
      { kind: 'protocol.error', t: 5, clientId: NO_CLIENT_ID, reason: 'tls', detail: 'TLS: no certificate' },
    ];
    expect(runRule('malformed-packet', benign)).toEqual([]);
  });
});
