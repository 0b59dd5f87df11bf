import { InputError, nearestName } from '../../../core/errors.ts';
import { type CheckResult, SEVERITIES } from './findings.ts';
import type { AuditReport } from './run-audit.ts';

/** One text per format; the CLI writes it to stdout or a file. */
export const AUDIT_REPORTERS = {
  console: consoleReport,
  json: (report: AuditReport) => `${JSON.stringify(report, null, 2)}\n`,
  markdown: markdownReport,
  junit: junitReport,
} as const satisfies Record<string, (report: AuditReport) => string>;

export type AuditReporterName = keyof typeof AUDIT_REPORTERS;
const NAMES = Object.keys(AUDIT_REPORTERS) as AuditReporterName[];

export function parseAuditReporter(spec: string): { name: AuditReporterName; path?: string } {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const path = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!Object.hasOwn(AUDIT_REPORTERS, name)) {
    const near = nearestName(name, NAMES);
    throw new InputError(
      'E_UNKNOWN_REPORTER',
      `--reporter: unknown reporter "${name}"${near ? ` — did you mean "${near}"?` : ''} (valid: ${NAMES.join(', ')}; write NAME or NAME:PATH)`,
    );
  }
  if (path === '') throw new InputError('E_REPORTER_PATH', `--reporter: expected a file path after "${name}:"`);
  return path === undefined ? { name: name as AuditReporterName } : { name: name as AuditReporterName, path };
}

/** 0 when nothing was found, 1 when anything was (any severity but info). */
export function auditExitCode(report: AuditReport): number {
  return report.findings.some((f) => f.severity !== 'info') ? 1 : 0;
}

const mark = (c: CheckResult) =>
  c.status === 'passed' ? 'ok  ' : c.status === 'skipped' ? 'skip' : (c.finding?.severity ?? 'fail').toUpperCase().padEnd(4);

function counts(report: AuditReport): string {
  const by = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return by.length === 0 ? 'no findings' : by.map(([s, n]) => `${n} ${s}`).join(', ');
}

function sessionText(report: AuditReport): string {
  return {
    anonymous: 'read checks ran as an anonymous client',
    'default-credentials': 'read checks ran with a default login',
    'given-credentials': 'read checks ran with the given account',
    none: 'read checks skipped: no session',
  }[report.session];
}

function consoleReport(report: AuditReport): string {
  const lines = [`medtwin audit ${report.target} (${report.transport}; ${sessionText(report)})`, ''];
  for (const c of report.checks) {
    lines.push(`  ${mark(c)}  ${c.check.padEnd(22)}  ${c.note}`);
    if (c.finding) {
      const indent = ' '.repeat(36);
      for (const e of c.finding.evidence) lines.push(`${indent}${e}`);
      lines.push(`${indent}fix: ${c.finding.remediation}`);
    }
  }
  lines.push(
    '',
    `${counts(report)} — ${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s; nothing was published.`,
    '',
  );
  return lines.join('\n');
}

function markdownReport(report: AuditReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `## medtwin audit: ${cell(report.target)}`,
    '',
    `${counts(report)}; transport ${report.transport}; ${sessionText(report)}.`,
    '',
    '| check | result | detail |',
    '| --- | --- | --- |',
    ...report.checks.map(
      (c) => `| ${cell(c.title)} | ${c.status === 'failed' ? `**${c.finding?.severity}**` : c.status} | ${cell(c.note)} |`,
    ),
  ];
  if (report.findings.length > 0) {
    lines.push('', '### Remediation', '');
    for (const f of report.findings) {
      lines.push(`- **${f.severity}** ${cell(f.summary)}. ${f.remediation}`);
      for (const e of f.evidence) lines.push(`  - \`${e.replace(/`/g, "'")}\``);
    }
  }
  return `${lines.join('\n')}\n`;
}

function junitReport(report: AuditReport): string {
  const failures = report.checks.filter((c) => c.status === 'failed').length;
  const skippedCount = report.checks.filter((c) => c.status === 'skipped').length;
  const name = xml(`medtwin audit ${report.target}`);
  const cases = report.checks.map((c) => {
    const open = `    <testcase classname="${name}" name="${xml(c.title)}" time="0">`;
    if (c.status === 'passed') return `${open}</testcase>`;
    if (c.status === 'skipped') return `${open}<skipped message="${xml(c.note)}"/></testcase>`;
    const f = c.finding!;
    const body = [f.summary, ...f.evidence, `fix: ${f.remediation}`].join('\n');
    return `${open}<failure message="${xml(`${f.severity}: ${f.summary}`)}" type="${f.severity}">${xml(body)}</failure></testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="medtwin audit" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skippedCount}">`,
    `  <testsuite name="${name}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skippedCount}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
