import { describe, expect, it } from 'vitest';
import type { Observation } from '../observation.ts';
import { runRule } from '../../../../test/helpers/ids.ts';

const refused = (t: number, username: string, reason = 'bad-password'): Observation => ({
  kind: 'connect.refused',
  t,
  clientId: username,
  username,
  reason,
});

describe('auth-brute-force', () => {
  it('raises once the failures for one identity reach the threshold inside the window, with every attempt as evidence', () => {
    const attempts = [0, 1000, 2000, 3000, 4000].map((t) => refused(t, 'medtwin-console-clinician-icu'));
    const alerts = runRule('auth-brute-force', attempts, { authFailures: { count: 5, windowMs: 60_000 } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      t: 4000,
      clientId: 'medtwin-console-clinician-icu',
      evidence: [1, 2, 3, 4, 5],
      techniques: ['T1110', 'T0859', 'T0812'],
    });
  });

  it('raises at once on a lockout', () => {
    const alerts = runRule('auth-brute-force', [{ kind: 'lockout', t: 10, username: 'medtwin-pump-001', failures: 3 }]);
    expect(alerts.map((a) => a.summary)).toEqual(['medtwin-pump-001 locked out after 3 failed logins']);
  });

  it('stays quiet for failures spread wider than the window, and for refusals that are not guesses', () => {
    const slow = [0, 70_000, 140_000, 210_000, 280_000].map((t) => refused(t, 'medtwin-pump-001'));
    const mismatch = [0, 1, 2, 3, 4].map((t) => refused(t, 'medtwin-pump-002', 'client-id-mismatch'));
    expect(runRule('auth-brute-force', [...slow, ...mismatch])).toEqual([]);
  });
});
