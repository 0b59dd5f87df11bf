import { describe, expect, it } from 'vitest';
import { runRule, subscribe } from '../../../../test/helpers/ids.ts';

describe('sys-probe', () => {
  it('flags $SYS reads by anyone but the security role, granted or not', () => {
    const alerts = runRule('sys-probe', [
      subscribe(0, 'scanner', '$SYS/#'),
      subscribe(5, 'medtwin-console-clinician-icu', '$SYS/+/clients/connected', { granted: false }),
    ]);
    expect(alerts.map((a) => a.summary)).toEqual([
      'unknown scanner subscribed to $SYS/#',
      'console medtwin-console-clinician-icu tried to subscribe to $SYS/+/clients/connected',
    ]);
  });

  it('stays quiet for the security console and for "#", which never matches $SYS', () => {
    expect(runRule('sys-probe', [subscribe(0, 'medtwin-console-security', '$SYS/#'), subscribe(0, 'medtwin-twin', '#')])).toEqual([]);
  });
});
