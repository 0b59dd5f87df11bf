import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/net/broker.ts';
import { encodeEnvelope } from '../../src/net/envelope.ts';
import { AUDIT_REPORTERS, auditBroker, auditExitCode, type AuditReport, parseAuditTarget } from '../../src/net/security/audit/index.ts';
import { RunCertificateAuthority } from '../../src/net/security/tls-ca.ts';
import { serverTlsOptions } from '../../src/net/security/tls-options.ts';
import { mosquittoSkipReason, startMosquitto, type MosquittoInstance } from '../helpers/mosquitto.ts';
import { loginAs, type SecureBroker, startSecureBroker } from '../helpers/secure-broker.ts';

const root = join(import.meta.dirname, '..', '..');
const FAST = { timeoutMs: 3000, listenMs: 500 };
const status = (report: AuditReport) =>
  Object.fromEntries(report.checks.map((c) => [c.check, c.status === 'failed' ? c.finding!.severity : c.status]));

/** A retained vital-signs message, as a monitor on an open broker leaves it. */
async function leaveRetainedVitals(url: string, options: mqtt.IClientOptions = {}): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, ...options });
  const body = { hr: 72, spo2: 97, patient: 'P-001' };
  await client.publishAsync(
    'medtwin/general-hospital/icu/patient-monitor/monitor-001/state',
    encodeEnvelope({ v: 1, device: 'monitor-001', kind: 'patient-monitor', seq: 1, t: 0, body }),
    { qos: 1, retain: true },
  );
  await client.endAsync();
}

function medtwin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'medtwin.js'), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(mosquittoSkipReason() !== undefined)('medtwin audit against Mosquitto', () => {
  let open: MosquittoInstance;
  let locked: MosquittoInstance;
  beforeAll(async () => {
    open = await startMosquitto();
    // Mosquitto started as root drops to its own user: it must be able to read the password file.
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-audit-'));
    chmodSync(dir, 0o755);
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, '', { mode: 0o644 });
    spawnSync('mosquitto_passwd', ['-b', passwords, 'admin', 'admin']);
    locked = await startMosquitto(`password_file ${passwords}`, { allowAnonymous: false });
    await leaveRetainedVitals(open.url);
  });
  afterAll(async () => {
    await open?.stop();
    await locked?.stop();
  });

  it('reports what a default Mosquitto allows: anonymous, plaintext, "#", $SYS, retained patient data (CLI, exit 1)', async () => {
    const result = await medtwin(['audit', open.url, '--listen', '500ms', '--reporter', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(status(report)).toEqual({
      'plaintext-listener': 'high',
      'anonymous-access': 'critical',
      'default-credentials': 'skipped',
      'wildcard-readable': 'high',
      'sys-readable': 'low',
      'retained-readable': 'medium',
      'patient-data-cleartext': 'critical',
    });
    expect(report.session).toBe('anonymous');
    expect(report.checks.find((c) => c.check === 'sys-readable')?.note).toMatch(/broker version: mosquitto version \d/);
    expect(report.findings.find((f) => f.check === 'patient-data-cleartext')?.evidence).toEqual([
      'medtwin/general-hospital/icu/patient-monitor/monitor-001/state',
    ]);
  });

  it('finds a default login on a broker that refuses anonymous clients, and reads with it', async () => {
    const report = await auditBroker(parseAuditTarget(locked.url), FAST);
    expect(status(report)).toMatchObject({ 'anonymous-access': 'passed', 'default-credentials': 'critical', 'wildcard-readable': 'high' });
    expect(report.findings.find((f) => f.check === 'default-credentials')?.evidence).toEqual(['admin:admin']);
    expect(report.session).toBe('default-credentials');
  });
});

describe('medtwin audit against the embedded broker', () => {
  it('open: anyone may connect and read everything', async () => {
    const broker = await EmbeddedBroker.start();
    try {
      await leaveRetainedVitals(broker.url);
      const report = await auditBroker(parseAuditTarget(broker.url), FAST);
      expect(status(report)).toMatchObject({
        'anonymous-access': 'critical',
        'wildcard-readable': 'high',
        'retained-readable': 'medium',
        'patient-data-cleartext': 'critical',
      });
      expect(auditExitCode(report)).toBe(1);
    } finally {
      await broker.close();
    }
  });

  describe('hardened (TLS, authentication, ACL)', () => {
    let ca: RunCertificateAuthority;
    let sb: SecureBroker;
    let caFile: string;
    beforeAll(async () => {
      ca = await RunCertificateAuthority.create();
      sb = await startSecureBroker('hardened', { mutualTls: false }, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), false) });
      caFile = join(mkdtempSync(join(tmpdir(), 'medtwin-audit-ca-')), 'ca.pem');
      writeFileSync(caFile, ca.certPem);
    });
    afterAll(() => sb.close());

    it('passes every check a stranger can run, with the CA given (CLI, exit 0), and never publishes', async () => {
      const junitPath = join(mkdtempSync(join(tmpdir(), 'medtwin-audit-junit-')), 'audit.xml');
      const result = await medtwin([
        'audit',
        sb.broker.url,
        '--cafile',
        caFile,
        '--listen',
        '300ms',
        '--reporter',
        'json',
        '--reporter',
        `junit:${junitPath}`,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(status(report)).toEqual({
        'plaintext-listener': 'passed',
        'tls-version': 'passed',
        'tls-certificate': 'passed',
        'anonymous-access': 'passed',
        'default-credentials': 'passed',
        'wildcard-readable': 'skipped',
        'sys-readable': 'skipped',
        'retained-readable': 'skipped',
        'patient-data-cleartext': 'skipped',
      });
      const junit = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(junitPath, 'utf8'));
      expect([junit.testsuites['@_tests'], junit.testsuites['@_failures'], junit.testsuites['@_skipped']]).toEqual(['9', '0', '4']);
      // The broker saw connection attempts only: no PUBLISH from the auditor, allowed or denied.
      expect(sb.events.filter((e) => e.type === 'publish.denied' || e.type === 'command.sent')).toEqual([]);
      expect(sb.events.filter((e) => e.type === 'auth.refused').map((e) => e.type === 'auth.refused' && e.reason)).toContain(
        'unknown-identity',
      );
    });

    it("flags a certificate the client cannot verify without the broker's CA", async () => {
      const report = await auditBroker(parseAuditTarget(sb.broker.url), FAST);
      const check = report.checks.find((c) => c.check === 'tls-certificate')!;
      expect(check.finding?.severity).toBe('medium');
      expect(check.note).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    });

    it("with a device's own login: '#' and $SYS are refused (0x80)", async () => {
      const pump = loginAs(sb.identities.device('pump-001')!);
      const report = await auditBroker(parseAuditTarget(sb.broker.url), {
        ...FAST,
        tls: { ca: ca.certPem },
        credentials: { username: pump.username!, password: pump.password as string, clientId: pump.clientId! },
      });
      expect(report.session).toBe('given-credentials');
      expect(status(report)).toMatchObject({ 'wildcard-readable': 'passed', 'sys-readable': 'passed', 'retained-readable': 'passed' });
    });
  });

  it('mutual TLS: a stranger without a client certificate is refused in the handshake', async () => {
    const ca = await RunCertificateAuthority.create();
    const sb = await startSecureBroker('hardened', {}, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), true) });
    try {
      const report = await auditBroker(parseAuditTarget(sb.broker.url), { ...FAST, tls: { ca: ca.certPem } });
      expect(status(report)).toMatchObject({
        'anonymous-access': 'passed',
        'default-credentials': 'skipped',
        'wildcard-readable': 'skipped',
      });
      expect(report.checks.find((c) => c.check === 'anonymous-access')?.note).toContain('mutual TLS');
    } finally {
      await sb.close();
    }
  });
});

describe('medtwin audit reporters and exit codes', () => {
  const report: AuditReport = {
    target: 'mqtt://127.0.0.1:1883',
    transport: 'plaintext',
    session: 'anonymous',
    checks: [
      {
        check: 'anonymous-access',
        title: 'Anonymous clients are refused',
        status: 'failed',
        note: 'accepted',
        finding: {
          check: 'anonymous-access',
          severity: 'critical',
          summary: 'accepted <anyone>',
          evidence: ['a&b'],
          remediation: 'fix it',
        },
      },
      { check: 'sys-readable', title: 'Broker internals ($SYS) are not readable', status: 'passed', note: 'refused' },
      { check: 'default-credentials', title: 'No default credentials accepted', status: 'skipped', note: 'anonymous' },
    ],
    findings: [{ check: 'anonymous-access', severity: 'critical', summary: 'accepted <anyone>', evidence: ['a&b'], remediation: 'fix it' }],
    observed: { messages: 0, topics: 0, retained: 0, sys: 0, patientTopics: 0 },
    durationMs: 1200,
  };

  it('junit: one testcase per check, failures and skips counted, text escaped', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(AUDIT_REPORTERS.junit(report));
    const suite = doc.testsuites.testsuite;
    expect([suite['@_tests'], suite['@_failures'], suite['@_skipped']]).toEqual(['3', '1', '1']);
    expect(suite.testcase[0].failure['@_message']).toBe('critical: accepted <anyone>');
    expect(suite.testcase[0].failure['#text']).toContain('a&b');
  });

  it('markdown and console name each finding with its fix', () => {
    expect(AUDIT_REPORTERS.markdown(report)).toContain('- **critical** accepted <anyone>. fix it');
    expect(AUDIT_REPORTERS.console(report)).toContain('CRITICAL  anonymous-access');
  });

  it('exit 2 for a bad URL or reporter, 3 for an unreachable broker', async () => {
    expect((await medtwin(['audit', 'http://127.0.0.1'])).code).toBe(2);
    expect((await medtwin(['audit', 'mqtt://127.0.0.1:1883', '--reporter', 'jsn'])).stderr).toContain('did you mean "json"?');
    const closed = await EmbeddedBroker.start();
    const port = closed.port;
    await closed.close();
    const unreachable = await medtwin(['audit', `mqtt://127.0.0.1:${port}`, '--timeout', '2s']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach');
  });
});
