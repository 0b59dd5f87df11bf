import { connect as tcpConnect } from 'node:net';
import { MedtwinError } from '../../../core/errors.ts';
import { type CheckResult, failed, type Finding, passed, skipped } from './findings.ts';
import { type ConnectOutcome, listen, type Observed, type ProbeCredentials, type ProbeTls, tryConnect } from './mqtt-probe.ts';
import { patientDataKeys } from './patient-data.ts';
import type { AuditTarget } from './target.ts';
import { acceptsLegacyTls, observeTls, type TlsObservation } from './tls-probe.ts';

/**
 * A short, fixed list of vendor and framework defaults (MQTTSA ships a word list; this stays small
 * so an audit is a handful of logins, not a brute-force attack that would lock accounts out).
 */
export const DEFAULT_CREDENTIALS: readonly (readonly [string, string])[] = [
  ['admin', 'admin'],
  ['admin', 'password'],
  ['admin', 'public'],
  ['guest', 'guest'],
  ['mqtt', 'mqtt'],
  ['user', 'user'],
  ['test', 'test'],
];

export interface AuditOptions {
  /** The auditor's own account, for the read checks when anonymous access is refused. */
  credentials?: ProbeCredentials;
  tls?: ProbeTls;
  timeoutMs?: number;
  /** How long to listen after subscribing (retained messages arrive at once; live ones take a while). */
  listenMs?: number;
}

export type Session = 'anonymous' | 'default-credentials' | 'given-credentials' | 'none';

export interface AuditReport {
  target: string;
  transport: 'plaintext' | 'tls';
  session: Session;
  checks: CheckResult[];
  findings: Finding[];
  observed: { messages: number; topics: number; retained: number; sys: number; patientTopics: number };
  tls?: TlsObservation;
  durationMs: number;
}

/** The broker could not be reached, or does not speak MQTT there: the CLI exits 3. */
export class BrokerUnreachableError extends MedtwinError {
  constructor(message: string) {
    super('E_UNREACHABLE', message, { exitCode: 3 });
    this.name = 'BrokerUnreachableError';
  }
}

/**
 * Checks what a broker allows a stranger on the network (`medtwin audit`): plaintext or TLS and
 * which versions and certificate, anonymous logins, a few default credentials, and — with whatever
 * session it got — whether `#`, `$SYS/#` and retained messages are readable and whether what it reads
 * is patient data in the clear. It subscribes and listens; it never publishes.
 */
export async function auditBroker(target: AuditTarget, options: AuditOptions = {}): Promise<AuditReport> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 5000;
  const listenMs = options.listenMs ?? 3000;
  const tls = options.tls ?? {};
  await reachable(target, timeoutMs);
  const checks: CheckResult[] = [];
  let observation: TlsObservation | undefined;

  if (target.tls) {
    try {
      observation = await observeTls({ host: target.host, port: target.port, ...tls, timeoutMs });
    } catch (error) {
      throw new BrokerUnreachableError(
        `${target.url}: no TLS handshake (${(error as Error).message}); is it a plaintext listener? try mqtt://`,
      );
    }
    checks.push(passed('plaintext-listener', `TLS (${observation.protocol})`));
    const legacy = await acceptsLegacyTls({ host: target.host, port: target.port, ...tls, timeoutMs });
    checks.push(
      legacy === undefined
        ? passed('tls-version', `negotiates ${observation.protocol}; refuses TLS 1.0 and 1.1`)
        : failed('tls-version', 'high', `the broker still accepts ${legacy}`, [legacy]),
    );
    checks.push(certificateCheck(observation, tls.ca !== undefined));
  }

  // Anonymous first: if it works, everything below is open to anyone.
  const anonymous = await tryConnect(target, {}, tls, timeoutMs);
  const mtlsRequired =
    anonymous.status === 'failed' &&
    /certificate required|CERTIFICATE_REQUIRED|alert number 116/i.test(`${anonymous.error} ${anonymous.code ?? ''}`);
  if (anonymous.status === 'failed' && !mtlsRequired) {
    throw new BrokerUnreachableError(`${target.url}: no MQTT CONNACK (${anonymous.error}); is this an MQTT broker?`);
  }
  if (!target.tls)
    checks.push(
      failed('plaintext-listener', 'high', 'the broker accepts MQTT without TLS: credentials and data cross the network readable'),
    );

  let session: Session = 'none';
  let client = anonymous.status === 'accepted' ? anonymous.client : undefined;
  if (mtlsRequired) {
    checks.push(passed('anonymous-access', "mutual TLS: the handshake needs a client certificate from the broker's CA"));
    checks.push(skipped('default-credentials', 'mutual TLS refuses any client without a certificate, whatever its password'));
  } else if (client !== undefined) {
    session = 'anonymous';
    checks.push(failed('anonymous-access', 'critical', 'the broker accepts clients with no user name or password'));
    checks.push(
      skipped('default-credentials', 'anonymous access already lets anyone in (a broker that ignores passwords would "accept" every one)'),
    );
  } else {
    checks.push(passed('anonymous-access', `refused with CONNACK ${(anonymous as Extract<ConnectOutcome, { status: 'refused' }>).code}`));
    const found = await tryDefaults(target, tls, timeoutMs);
    if (found === undefined)
      checks.push(passed('default-credentials', `refused all ${DEFAULT_CREDENTIALS.length} default user name and password pairs tried`));
    else {
      checks.push(
        failed('default-credentials', 'critical', `the broker accepts the default login ${found.pair[0]} / ${found.pair[1]}`, [
          `${found.pair[0]}:${found.pair[1]}`,
        ]),
      );
      client = found.client;
      session = 'default-credentials';
    }
  }
  if (options.credentials?.username !== undefined) {
    const given = await tryConnect(target, options.credentials, tls, timeoutMs);
    if (given.status === 'accepted') {
      client?.end(true);
      client = given.client;
      session = 'given-credentials';
    }
  }

  const observed = { messages: 0, topics: 0, retained: 0, sys: 0, patientTopics: 0 };
  if (client === undefined) {
    const why = 'no session: anonymous and default logins were refused (give --username/--password to audit an account)';
    for (const check of ['wildcard-readable', 'sys-readable', 'retained-readable', 'patient-data-cleartext'] as const)
      checks.push(skipped(check, why));
  } else {
    try {
      const { granted, messages } = await listen(client, ['#', '$SYS/#'], listenMs);
      checks.push(...readChecks(target, session, granted, messages, observed));
    } finally {
      client.end(true);
    }
  }

  const findings = checks.flatMap((c) => (c.finding ? [c.finding] : []));
  const report: AuditReport = {
    target: target.url,
    transport: target.tls ? 'tls' : 'plaintext',
    session,
    checks,
    findings,
    observed,
    durationMs: Date.now() - started,
  };
  if (observation !== undefined) report.tls = observation;
  return report;
}

function readChecks(
  target: AuditTarget,
  session: Session,
  granted: number[],
  messages: Observed[],
  observed: AuditReport['observed'],
): CheckResult[] {
  const who = session === 'given-credentials' ? 'the given account' : session === 'anonymous' ? 'an anonymous client' : 'a default login';
  const severity = session === 'given-credentials' ? 'medium' : 'high';
  const [wildcard, sys] = granted;
  const data = messages.filter((m) => !m.topic.startsWith('$'));
  const sysMessages = messages.filter((m) => m.topic.startsWith('$'));
  const retained = data.filter((m) => m.retain);
  const topics = [...new Set(data.map((m) => m.topic))];
  const patientTopics = [...new Set(data.filter((m) => patientDataKeys(m.payload).length > 0).map((m) => m.topic))];
  Object.assign(observed, {
    messages: data.length,
    topics: topics.length,
    retained: retained.length,
    sys: sysMessages.length,
    patientTopics: patientTopics.length,
  });
  const sample = (list: readonly string[]) => [...list.slice(0, 10), ...(list.length > 10 ? [`... and ${list.length - 10} more`] : [])];
  const checks: CheckResult[] = [];
  checks.push(
    wildcard === 128
      ? passed('wildcard-readable', `SUBSCRIBE "#" refused (0x80) for ${who}`)
      : failed(
          'wildcard-readable',
          severity,
          `${who} may subscribe to "#": it read ${data.length} messages on ${topics.length} topics`,
          sample(topics),
        ),
  );
  const version = sysMessages.find((m) => m.topic.endsWith('/version'));
  checks.push(
    sys === 128
      ? passed('sys-readable', `SUBSCRIBE "$SYS/#" refused (0x80) for ${who}`)
      : failed(
          'sys-readable',
          'low',
          `${who} may read $SYS (${sysMessages.length} messages)${version ? `; broker version: ${version.payload}` : ''}`,
          sample([...new Set(sysMessages.map((m) => m.topic))]),
        ),
  );
  checks.push(
    retained.length === 0
      ? passed('retained-readable', wildcard === 128 ? 'no retained message readable' : 'no retained messages on the broker')
      : failed(
          'retained-readable',
          'medium',
          `${who} read ${retained.length} retained messages`,
          sample([...new Set(retained.map((m) => m.topic))]),
        ),
  );
  if (patientTopics.length === 0)
    checks.push(passed('patient-data-cleartext', data.length === 0 ? 'nothing readable' : 'no patient data among what was read'));
  else if (target.tls)
    checks.push(
      passed(
        'patient-data-cleartext',
        `patient data on ${patientTopics.length} topics, encrypted in transit (but readable by ${who}: see wildcard-readable)`,
      ),
    );
  else {
    const keys = [...new Set(data.flatMap((m) => patientDataKeys(m.payload)))];
    checks.push(
      failed(
        'patient-data-cleartext',
        'critical',
        `patient data on ${patientTopics.length} topics crosses the network in cleartext (fields: ${keys.slice(0, 8).join(', ')})`,
        sample(patientTopics),
      ),
    );
  }
  return checks;
}

function certificateCheck(tls: TlsObservation, caGiven: boolean): CheckResult {
  const evidence = [
    `subject: ${tls.subject}`,
    `issuer: ${tls.issuer}`,
    `valid ${tls.validFrom} to ${tls.validTo}`,
    `key: ${tls.key}`,
    `SHA-256 ${tls.fingerprint256}`,
  ];
  if (tls.expired) return failed('tls-certificate', 'high', `the certificate expired on ${tls.validTo}`, evidence);
  if (tls.notYetValid) return failed('tls-certificate', 'high', `the certificate is not valid before ${tls.validFrom}`, evidence);
  if (tls.weakKey) return failed('tls-certificate', 'medium', `the certificate's key (${tls.key}) is too weak`, evidence);
  if (!tls.verified) {
    const hint = caGiven ? 'against the given CA file' : "against the system CAs (give --cafile with the broker's CA)";
    return failed('tls-certificate', 'medium', `the certificate does not verify ${hint}: ${tls.verifyError ?? 'unknown reason'}`, evidence);
  }
  return passed('tls-certificate', `verified (${tls.subject}, ${tls.key}, until ${tls.validTo})`);
}

async function tryDefaults(target: AuditTarget, tls: ProbeTls, timeoutMs: number) {
  for (const pair of DEFAULT_CREDENTIALS) {
    const outcome = await tryConnect(target, { username: pair[0], password: pair[1] }, tls, timeoutMs);
    if (outcome.status === 'accepted') return { pair, client: outcome.client };
  }
  return undefined;
}

function reachable(target: AuditTarget, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(target.port, target.host);
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    function fail(reason: string) {
      clearTimeout(timer);
      socket.destroy();
      reject(new BrokerUnreachableError(`cannot reach ${target.url}: ${reason}`));
    }
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
  });
}
