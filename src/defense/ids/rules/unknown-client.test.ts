import { describe, expect, it } from 'vitest';
import { runRule } from '../../../../test/helpers/ids.ts';

describe('unknown-client', () => {
  it('flags a session under a client id the fleet does not have', () => {
    expect(runRule('unknown-client', [{ kind: 'connect', t: 0, clientId: 'mqttx_1234', takeover: false }]).map((a) => a.summary)).toEqual([
      'unknown client mqttx_1234 connected',
    ]);
  });

  it('stays quiet for devices, the twin and consoles', () => {
    const ids = ['medtwin-pump-001', 'medtwin-twin', 'medtwin-console-clinician-icu', 'medtwin-console-security'];
    expect(
      runRule(
        'unknown-client',
        ids.map((clientId) => ({ kind: 'connect' as const, t: 0, clientId, takeover: false })),
      ),
    ).toEqual([]);
  });
});
