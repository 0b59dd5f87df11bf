import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const signed = (nonce: string, ts: number) =>
  envelope('console', { type: 'pause', auth: { issuer: 'medtwin-console-clinician-icu', role: 'clinician', nonce, ts, sig: 'AAAA' } });
const N1 = '0123456789abcdef0123456789abcdef';
const N2 = 'fedcba9876543210fedcba9876543210';

describe('command-replay', () => {
  it('flags a captured command sent again, with both publishes as evidence', () => {
    const alerts = runRule('command-replay', [
      publish(1000, 'medtwin-console-clinician-icu', topic('pump-001', 'cmd'), signed(N1, 1000)),
      publish(20_000, 'attacker', topic('pump-001', 'cmd'), signed(N1, 1000)),
    ]);
    expect(alerts.map((a) => [a.clientId, a.evidence])).toEqual([['attacker', [1, 2]]]);
  });

  it('flags a stale timestamp at medium', () => {
    const alerts = runRule('command-replay', [publish(600_000, 'attacker', topic('pump-001', 'cmd'), signed(N2, 1000))]);
    expect(alerts.map((a) => a.severity)).toEqual(['medium']);
  });

  it('stays quiet for fresh commands with new nonces, and for unsigned ones (not its business)', () => {
    expect(
      runRule('command-replay', [
        publish(1000, 'medtwin-console-clinician-icu', topic('pump-001', 'cmd'), signed(N1, 990)),
        publish(2000, 'medtwin-console-clinician-icu', topic('pump-001', 'cmd'), signed(N2, 1995)),
        publish(3000, 'medtwin-twin', topic('pump-001', 'cmd'), envelope('twin', { type: 'pause' })),
      ]),
    ).toEqual([]);
  });
});
