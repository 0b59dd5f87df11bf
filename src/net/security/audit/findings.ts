/** How bad a finding is: what an attacker on the network gains (CVSS-like qualitative scale). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The checks `medtwin audit` runs, after MQTTSA's (Palmieri et al., 2019: authentication, brute
 * force with a word list, authorisation, information disclosure, TLS) — minus its denial-of-service,
 * malformed-data and tampering tests, which change or endanger the broker: this audit never publishes.
 */
export const CHECKS = {
  'plaintext-listener': {
    title: 'Listener encrypts traffic',
    remediation:
      'Serve MQTT over TLS 1.2+ (port 8883) and close the plaintext listener; in Mosquitto: `listener 8883` with `cafile`, `certfile`, `keyfile`.',
  },
  'tls-version': {
    title: 'Only TLS 1.2 or later',
    remediation: 'Refuse TLS 1.0 and 1.1 (NIST SP 800-52r2 §3.1); in Mosquitto: `tls_version tlsv1.2` or later.',
  },
  'tls-certificate': {
    title: 'Broker certificate is valid and verifiable',
    remediation: 'Use a certificate from a CA the clients trust, valid now, naming the host clients connect to; give clients the CA file.',
  },
  'anonymous-access': {
    title: 'Anonymous clients are refused',
    remediation:
      'Require authentication: in Mosquitto `allow_anonymous false` with a password file or an auth plugin; in medtwin, the authentication control.',
  },
  'default-credentials': {
    title: 'No default credentials accepted',
    remediation:
      'Remove default and shared accounts; give each device and operator its own credential (FDA 2023 premarket cybersecurity guidance, Appendix 1: authentication).',
  },
  'wildcard-readable': {
    title: 'A client cannot read every topic with "#"',
    remediation:
      'Least-privilege ACLs: each client reads only its own topics (Mosquitto `acl_file` with `pattern` rules; medtwin, the acl control).',
  },
  'sys-readable': {
    title: 'Broker internals ($SYS) are not readable',
    remediation: 'Restrict `$SYS/#` to an operations role; it discloses the broker version and its clients.',
  },
  'retained-readable': {
    title: 'Retained messages are not readable by an unprivileged client',
    remediation: 'Keep retained state (device status, last values) behind the ACL; retain only what every reader may see.',
  },
  'patient-data-cleartext': {
    title: 'No patient data in the clear',
    remediation:
      'Encrypt the transport (TLS), pseudonymise patient identifiers, and restrict who may read clinical topics (HIPAA 164.312(e)(1); HHS 405(d) HICP practice 4).',
  },
} as const;

export type CheckId = keyof typeof CHECKS;

export interface Finding {
  check: CheckId;
  severity: Severity;
  /** What was observed, in a sentence. */
  summary: string;
  /** Topics, versions, names: what backs the finding up. Never a password of the audited system except a known default. */
  evidence: string[];
  remediation: string;
}

export interface CheckResult {
  check: CheckId;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it passed or was skipped, or what failed. */
  note: string;
  finding?: Finding;
}

export function passed(check: CheckId, note: string): CheckResult {
  return { check, title: CHECKS[check].title, status: 'passed', note };
}

export function skipped(check: CheckId, note: string): CheckResult {
  return { check, title: CHECKS[check].title, status: 'skipped', note };
}

export function failed(check: CheckId, severity: Severity, summary: string, evidence: string[] = []): CheckResult {
  return {
    check,
    title: CHECKS[check].title,
    status: 'failed',
    note: summary,
    finding: { check, severity, summary, evidence, remediation: CHECKS[check].remediation },
  };
}
