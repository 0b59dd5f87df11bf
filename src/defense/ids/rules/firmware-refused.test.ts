import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const ack = (t: number, body: Record<string, unknown>) =>
  publish(t, 'medtwin-pump-001', topic('pump-001', 'cmd/ack'), envelope('pump-001', body, 1, t));

describe('firmware-refused', () => {
  it('alerts on a device refusing a firmware image, not on other refusals or an accepted install', () => {
    const alerts = runRule('firmware-refused', [
      ack(0, { accepted: true, code: 'firmware.installing', command: 'firmware.update' }),
      ack(1000, { accepted: false, code: 'auth.unsigned', command: 'pause' }),
      ack(2000, { accepted: false, code: 'firmware.bad-signature', command: 'firmware.update', reason: 'the signature does not match' }),
    ]);
    expect(alerts.map((a) => [a.device, a.evidence, a.summary])).toEqual([
      ['pump-001', [3], 'pump-001 refused a firmware image: firmware.bad-signature (the signature does not match)'],
    ]);
  });
});
