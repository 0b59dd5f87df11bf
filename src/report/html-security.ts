import { formatSimTime } from '../core/duration.ts';
import type { RunResult } from '../scenario/result.ts';
import { escapeHtml as esc } from './escape.ts';
import { formatCount, idsLine } from './format.ts';
import { fact, table, type Row } from './html-table.ts';

const num = (n: number) => ({ html: esc(formatCount(n)), className: 'num' });

/**
 * A run's security part of the HTML report: the profile and what its controls did, the patch
 * campaigns per zone, and the intrusion detector's alerts (each row an anchor, so a `detected`
 * expectation's evidence links to the alert). Empty for a run with none of the three.
 */
export function securitySection(r: RunResult, anchor: string): string {
  if (r.security === undefined && r.campaigns === undefined && r.ids === undefined) return '';
  const out = ['<h3>Security</h3>'];
  if (r.security) out.push(controlsFacts(r.security));
  if (r.campaigns && r.campaigns.length > 0) out.push('<h4>Patch campaigns</h4>', campaignsTable(r.campaigns));
  if (r.ids) out.push('<h4>Intrusion detection</h4>', alertsPart(r.ids, anchor));
  return out.join('\n');
}

function controlsFacts(s: NonNullable<RunResult['security']>): string {
  const facts = [
    fact('profile', esc(s.profile)),
    fact('controls', esc(s.controls.length === 0 ? 'none' : s.controls.join(', ')), true),
    fact('identities', esc(formatCount(s.identities))),
  ];
  if (s.broker) {
    const b = s.broker;
    facts.push(
      fact(
        'broker',
        esc(
          `${formatCount(b.accepted)} logins accepted, ${formatCount(b.refused)} refused, ${formatCount(b.lockouts)} lockouts; ` +
            `${formatCount(b.publishesDenied)} publishes and ${formatCount(b.subscribesDenied)} subscribes denied`,
        ),
        true,
      ),
    );
  }
  const c = s.commands;
  facts.push(
    fact(
      'commands',
      esc(
        `${formatCount(c.viaConsole)} via consoles, ${formatCount(c.refusedByDevices)} refused by devices, ${formatCount(c.deniedAtBroker)} dropped by the broker`,
      ),
      true,
    ),
  );
  if (s.commandChecks) {
    const k = s.commandChecks;
    facts.push(
      fact(
        'firmware checks',
        esc(
          `${formatCount(k.verify)} verify signatures and freshness, ${formatCount(k['signature-only'])} signature only (replayable), ${formatCount(k.none)} none (unauthenticated)`,
        ),
        true,
      ),
    );
  }
  if (s.audit) facts.push(fact('audit log', `${esc(formatCount(s.audit.records))} records, head <code>${esc(s.audit.head)}</code>`, true));
  if (s.researchExport) {
    const e = s.researchExport;
    facts.push(
      fact(
        'research export',
        esc(
          `${formatCount(e.released)} records of ${formatCount(e.patients)} consenting patients released, ${formatCount(e.withheld)} withheld` +
            (e.file ? `, written to ${e.file}` : ''),
        ),
        true,
      ),
    );
  }
  return `<dl class="facts">${facts.join('')}</dl>`;
}

function campaignsTable(campaigns: NonNullable<RunResult['campaigns']>): string {
  const rows: Row[] = campaigns.flatMap((c) =>
    c.zones.length === 0
      ? [{ cells: [{ html: esc(c.id), className: 'mono' }, esc(c.kind), esc(c.to), 'no stage yet', '', '', '', '', ''] }]
      : c.zones.map((z) => ({
          cells: [
            { html: esc(c.id), className: 'mono' },
            esc(c.kind),
            esc(c.to),
            esc(z.zone),
            num(z.offered),
            num(z.patched),
            num(z.rolledBack),
            num(z.failed),
            num(z.refused),
          ],
        })),
  );
  return table(['Campaign', 'Kind', 'To version', 'Zone', 'Offered', 'Patched', 'Rolled back', 'Failed', 'Refused'], rows, [4, 5, 6, 7, 8]);
}

function alertsPart(ids: NonNullable<RunResult['ids']>, anchor: string): string {
  const line = `<p>${esc(idsLine({ ids }) ?? '')}</p>`;
  if (ids.first.length === 0) return line;
  const rows: Row[] = ids.first.map((a) => ({
    id: `${anchor}-event-${a.eventId}`,
    className: `severity-${a.severity}`,
    cells: [
      esc(formatSimTime(a.t)),
      esc(a.severity),
      { html: esc(a.rule), className: 'mono' },
      esc(a.techniques.join(', ')),
      { html: esc(a.clientId), className: 'mono' },
      { html: esc(a.device ?? ''), className: 'mono' },
      { html: esc(a.summary), className: 'msg' },
      { html: `#${a.eventId}`, className: 'mono' },
    ],
  }));
  const more =
    ids.alerts > ids.first.length
      ? `<p class="note">The first ${ids.first.length} of ${formatCount(ids.alerts)} alerts are shown.</p>`
      : '';
  return [line, table(['Time', 'Severity', 'Rule', 'Techniques', 'Client', 'Device', 'Summary', 'Event'], rows), more].join('\n');
}
