import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../scenario/result.ts';
import { idsAlertLine, idsLine } from './format.ts';
import { runSection } from './html-run.ts';
import { JunitReporter } from './junit.ts';
import { ListReporter } from './list.ts';
import { runMarkdown } from './markdown.ts';
import { sampleRunResult } from '../../test/helpers/sample-result.ts';
import { FakeStream } from '../../test/helpers/report-streams.ts';

const MIN = 60_000;

/** The sample run under `hardened`, after a patch campaign and a forged pause the detector caught. */
function secureRun(alerts = 2): RunResult {
  const first = [
    {
      eventId: 812,
      t: 2 * MIN,
      rule: 'unauthorized-command',
      severity: 'critical',
      techniques: ['T0855'],
      clientId: 'outsider-1',
      device: 'pump-01',
      summary: 'a pause command from a client that may not command pumps',
    },
    {
      eventId: 813,
      t: 2 * MIN,
      rule: 'unknown-client',
      severity: 'medium',
      techniques: ['T0859'],
      clientId: 'outsider-1',
      summary: 'a client id no device, twin or console uses',
    },
  ];
  return {
    ...sampleRunResult(),
    security: {
      profile: 'hardened',
      controls: ['authentication', 'acl', 'tls', 'signedCommands', 'auditLog'],
      identities: 7,
      broker: { accepted: 6, refused: 1, lockouts: 0, publishesDenied: 3, subscribesDenied: 1, reconnects: 0 },
      commands: { viaConsole: 4, refusedByDevices: 1, deniedAtBroker: 3 },
      audit: { records: 42, head: 'ab'.repeat(32) },
    },
    campaigns: [
      {
        id: 'pump-patch',
        kind: 'infusion-pump',
        to: '2.4.1',
        zones: [{ zone: 'icu', offered: 4, patched: 3, failed: 0, rolledBack: 1, refused: 0 }],
      },
    ],
    ids: {
      available: true,
      observations: 1234,
      alerts,
      suppressed: 5,
      bySeverity: alerts === 2 ? { critical: 1, medium: 1 } : { critical: alerts - 1, medium: 1 },
      byRule:
        alerts === 2 ? { 'unauthorized-command': 1, 'unknown-client': 1 } : { 'unauthorized-command': alerts - 1, 'unknown-client': 1 },
      first,
    },
  };
}

describe('the security part of every report', () => {
  it('one line per detector: severities worst first, rules by count, or why it could not watch', () => {
    expect(idsLine(secureRun())).toBe(
      '2 alerts: 1 critical · 1 medium · rules: unauthorized-command 1, unknown-client 1 · 1,234 observations',
    );
    expect(idsLine(secureRun(9))).toContain('9 alerts: 8 critical · 1 medium · rules: unauthorized-command 8, unknown-client 1');
    expect(idsLine({ ids: { ...secureRun().ids!, alerts: 0, bySeverity: {}, byRule: {}, first: [] } })).toBe(
      'no alerts · 1,234 observations',
    );
    expect(idsLine({ ids: { ...secureRun().ids!, available: false } })).toMatch(/^not watching: only an in-process broker/);
    expect(idsLine(sampleRunResult())).toBeUndefined();
    expect(idsAlertLine(secureRun().ids!.first[0]!)).toBe(
      '00:02:00 critical unauthorized-command [T0855] pump-01 (client outsider-1): a pause command from a client that may not command pumps',
    );
  });

  it('console: the profile, the campaign, the detector and its first alerts, with how many more', () => {
    const stream = new FakeStream(false);
    new ListReporter({ stream, color: false }).onRunEnd(secureRun(9));
    const text = stream.text;
    expect(text).toMatch(/security {3}hardened: authentication, acl, tls, signedCommands, auditLog/);
    expect(text).toContain('campaign   pump-patch: infusion-pump → 2.4.1 · icu 3/4 patched, 1 rolled back');
    expect(text).toContain('ids        9 alerts: 8 critical');
    expect(text).toContain('00:02:00 critical unauthorized-command [T0855] pump-01');
    expect(text).toContain('… 4 more (--reporter json');
  });

  it('Markdown: a line and a table of the alerts, each with its event id', () => {
    const md = runMarkdown(secureRun());
    expect(md).toContain('Intrusion detection: 2 alerts: 1 critical · 1 medium');
    expect(md).toContain('| 00:02:00 | critical | unauthorized-command | T0855 | `outsider-1` | `pump-01` |');
    expect(md).toContain('| #813 |');
    expect(runMarkdown(sampleRunResult())).not.toContain('Intrusion detection');
  });

  it('HTML: controls, the campaign per zone and the alerts, each alert an anchor for evidence links', () => {
    const run = secureRun();
    run.expectations = [
      ...run.expectations,
      {
        name: 'forged pause detected',
        type: 'detected',
        passed: false,
        measured: null,
        threshold: 'within 1m',
        message: 'illustration: a failing check whose evidence is an alert',
        evidence: [812],
      },
    ];
    const html = runSection(run, 'run-1');
    expect(html).toContain('<h3>Security</h3>');
    expect(html).toContain('hardened');
    expect(html).toContain('6 logins accepted, 1 refused, 0 lockouts; 3 publishes and 1 subscribes denied');
    expect(html).toContain(`head <code>${'ab'.repeat(32)}</code>`);
    expect(html).toMatch(/<td[^>]*>pump-patch<\/td>.*<td[^>]*>icu<\/td><td class="num"[^>]*>4<\/td><td class="num"[^>]*>3<\/td>/);
    expect(html).toContain('<tr id="run-1-event-812" class="severity-critical">');
    // The failing check's evidence links to the alert's row and says what it was.
    expect(html).toContain('<a href="#run-1-event-812">#812</a> 00:02:00 critical IDS alert unauthorized-command');
    expect(runSection(sampleRunResult(), 'run-1')).not.toContain('<h3>Security</h3>');
  });

  it('JUnit: the profile and the detector as suite properties', async () => {
    const stream = new FakeStream(false);
    const reporter = new JunitReporter({ stream });
    reporter.onRunEnd(secureRun());
    await reporter.onEnd();
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'property' }).parse(stream.text);
    const props = Object.fromEntries(
      (doc.testsuites.testsuite.properties.property as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(props.idsAlerts).toBe('2');
    expect(props.ids).toBe(idsLine(secureRun()));
    expect(props.security).toMatch(/^hardened: authentication, acl/);
  });
});
