export { CHECKS, SEVERITIES, type CheckId, type CheckResult, type Finding, type Severity } from './findings.ts';
export {
  auditBroker,
  BrokerUnreachableError,
  DEFAULT_CREDENTIALS,
  type AuditOptions,
  type AuditReport,
  type Session,
} from './run-audit.ts';
export { AUDIT_REPORTERS, auditExitCode, parseAuditReporter, type AuditReporterName } from './reporters.ts';
export { parseAuditTarget, type AuditTarget } from './target.ts';
