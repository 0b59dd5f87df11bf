import { describe, expect, it } from 'vitest';
import { runRule } from '../../../../test/helpers/ids.ts';

describe('default-credentials', () => {
  it('flags a session that logged in with a default password, even one the broker let in', () => {
    const alerts = runRule('default-credentials', [
      {
        kind: 'connect',
        t: 0,
        clientId: 'medtwin-console-clinician-icu',
        takeover: false,
        username: 'medtwin-console-clinician-icu',
        defaultPassword: true,
      },
    ]);
    expect(alerts.map((a) => a.summary)).toEqual([
      'medtwin-console-clinician-icu logged in as medtwin-console-clinician-icu with a well-known default password',
    ]);
  });

  it('stays quiet for logins without a password or with a provisioned one', () => {
    const alerts = runRule('default-credentials', [
      { kind: 'connect', t: 0, clientId: 'medtwin-pump-001', takeover: false },
      { kind: 'connect', t: 0, clientId: 'medtwin-console-clinician-icu', takeover: false, username: 'medtwin-console-clinician-icu' },
    ]);
    expect(alerts).toEqual([]);
  });
});
