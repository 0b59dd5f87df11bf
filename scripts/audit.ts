// npm run audit: `npm audit --audit-level=high` for CI (.ci/run), with one distinction npm does not
// make: exit 1 when the advisory database lists a high or critical vulnerability in the dependency
// tree, but only a warning (exit 0) when the advisory service itself cannot be reached — a registry
// mirror without the bulk-advisory endpoint answers 405, which says nothing about the packages.
import { spawnSync } from 'node:child_process';

const audit = spawnSync('npm', ['audit', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report: { statusCode?: number; message?: string; metadata?: { vulnerabilities?: Record<string, number> } } = {};
try {
  report = JSON.parse(audit.stdout || '{}');
} catch {
  process.stderr.write(`npm audit printed no JSON:\n${audit.stdout}${audit.stderr}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (counts) {
  const high = (counts.high ?? 0) + (counts.critical ?? 0);
  process.stdout.write(`npm audit: ${JSON.stringify(counts)}\n`);
  if (high > 0) {
    process.stdout.write(spawnSync('npm', ['audit', '--audit-level=high'], { encoding: 'utf8' }).stdout);
    process.exit(1);
  }
  process.stdout.write('npm audit: no high or critical advisories\n');
  process.exit(0);
}
if (report.statusCode !== undefined || report.message !== undefined) {
  process.stdout.write(
    `npm audit: WARNING: the advisory service could not be asked (${report.message ?? report.statusCode}); nothing was checked\n`,
  );
  process.exit(0);
}
process.stderr.write(`npm audit: unexpected answer:\n${audit.stdout}`);
process.exit(1);
