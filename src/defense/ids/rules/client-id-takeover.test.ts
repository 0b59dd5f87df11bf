import { describe, expect, it } from 'vitest';
import { runRule } from '../../../../test/helpers/ids.ts';

describe('client-id-takeover', () => {
  it('flags a connection that took over an open session', () => {
    const alerts = runRule('client-id-takeover', [{ kind: 'connect', t: 500, clientId: 'medtwin-pump-002', takeover: true }]);
    expect(alerts.map((a) => [a.device, a.summary])).toEqual([
      ['pump-002', 'a new connection took over the open session of device medtwin-pump-002'],
    ]);
  });

  it('stays quiet for a reconnect after the old session ended', () => {
    expect(
      runRule('client-id-takeover', [
        { kind: 'connect', t: 0, clientId: 'medtwin-pump-002', takeover: false },
        { kind: 'disconnect', t: 100, clientId: 'medtwin-pump-002' },
        { kind: 'connect', t: 200, clientId: 'medtwin-pump-002', takeover: false },
      ]),
    ).toEqual([]);
  });
});
