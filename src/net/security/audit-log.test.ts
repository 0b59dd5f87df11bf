import { describe, expect, it } from 'vitest';
import { auditEntryOf } from './audit-events.ts';
import { AuditLog, digest, verifyAuditLog } from './audit-log.ts';

function sampleLog(): AuditLog {
  const log = new AuditLog();
  log.append(
    auditEntryOf({ type: 'auth.accepted', t: 0, clientId: 'medtwin-pump-001', username: 'medtwin-pump-001', identity: 'medtwin-pump-001' }),
  );
  log.append(
    auditEntryOf({
      type: 'subscribe.denied',
      t: 5,
      clientId: 'medtwin-pump-001',
      filter: '#',
      reason: 'a device may not subscribe with wildcards',
    }),
  );
  log.append(
    auditEntryOf({
      type: 'command.sent',
      t: 9,
      clientId: 'medtwin-console-clinician-icu',
      topic: 'medtwin/h/icu/infusion-pump/pump-001/cmd',
      command: 'bolus',
    }),
  );
  log.append(auditEntryOf({ type: 'auth.refused', t: 12, clientId: 'x', username: 'admin', reason: 'unknown-identity' }));
  return log;
}

describe('audit log', () => {
  it('chains each record to the one before and verifies as written', () => {
    const log = sampleLog();
    const lines = log
      .toText()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ seq: 1, action: 'connect', actor: 'medtwin-pump-001', prev: '0'.repeat(64) });
    expect(lines[1].prev).toBe(lines[0].hash);
    expect(verifyAuditLog(log.toText(), log.head)).toEqual({ ok: true, records: 4, head: log.head });
  });

  it('detects an edited line, naming it', () => {
    const text = sampleLog().toText().replace('"bolus"', '"pause"');
    expect(verifyAuditLog(text)).toEqual({ ok: false, line: 3, reason: 'the record does not match its own hash (this line was edited)' });
  });

  it("detects an edit that recomputed the line's own hash: the next line no longer follows it", () => {
    const lines = sampleLog().toText().trimEnd().split('\n');
    const { hash: _old, ...body } = JSON.parse(lines[1]!) as Record<string, unknown>;
    const forged = { ...body, target: 'medtwin/h/icu/+/+/telemetry' };
    lines[1] = JSON.stringify({ ...forged, hash: digest(forged) });
    expect(verifyAuditLog(lines.join('\n'))).toEqual({
      ok: false,
      line: 3,
      reason: 'prev is not the hash of the line before (a line before it was changed, removed or moved)',
    });
  });

  it('detects a removed line, a swapped pair and a cut tail', () => {
    const log = sampleLog();
    const lines = log.toText().trimEnd().split('\n');
    expect(verifyAuditLog([lines[0], lines[2], lines[3]].join('\n'))).toMatchObject({ ok: false, line: 2 });
    expect(verifyAuditLog([lines[0], lines[2], lines[1], lines[3]].join('\n'))).toMatchObject({ ok: false, line: 2 });
    expect(verifyAuditLog(lines.slice(0, 3).join('\n'))).toMatchObject({ ok: true, records: 3 });
    expect(verifyAuditLog(lines.slice(0, 3).join('\n'), log.head)).toEqual({
      ok: false,
      line: 3,
      reason: 'the last hash is not the one the report states (records were cut from the end)',
    });
  });
});
