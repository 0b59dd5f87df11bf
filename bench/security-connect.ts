/**
 * What the broker-side security controls cost: connecting N devices and then moving their telemetry,
 * under open, authentication + ACL, + TLS, and + mutual TLS — broker and clients in this one process,
 * so the CPU figures are the whole system's. A figure-printing benchmark, not a test.
 *
 *   node --import tsx bench/security-connect.ts [devices=500] [messagesPerDevice=20]
 *
 * bench/security-run.ts measures the same profiles through a real run; this one isolates the transport.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { BrokerSecurity } from '../src/net/security/broker-security.ts';
import { PROFILES } from '../src/net/security/controls.ts';
import { IdentitySet } from '../src/net/security/identities.ts';
import { resolveSecurity } from '../src/net/security/profile-schema.ts';
import { RunCertificateAuthority } from '../src/net/security/tls-ca.ts';
import { serverTlsOptions } from '../src/net/security/tls-options.ts';

const devices = Number(process.argv[2] ?? 500);
const perDevice = Number(process.argv[3] ?? 20);
const BATCH = 100;

interface Row {
  name: string;
  connectMs: number;
  connectCpuMsPerDevice: number;
  certsMs: number;
  cpuUsPerMessage: number;
  messages: number;
}

async function row(name: string, controls: { auth: boolean; tls: boolean; mtls: boolean }): Promise<Row> {
  const fleet = {
    site: 'h',
    zones: ['icu'],
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `pump-${String(i + 1).padStart(5, '0')}`,
      kind: 'infusion-pump',
      zone: 'icu',
    })),
  };
  const config = resolveSecurity({
    profile: 'hardened',
    controls: {
      ...PROFILES.hardened,
      authentication: controls.auth,
      lockout: controls.auth,
      acl: controls.auth,
      operatorMfa: controls.auth,
      tls: controls.tls,
      mutualTls: controls.mtls,
    },
  });
  const identities = IdentitySet.derive(1, fleet, config);
  const security = new BrokerSecurity({ controls: config.controls, lockout: config.lockout, identities, seed: 1, now: () => 0 });
  const ca = controls.tls ? await RunCertificateAuthority.create() : undefined;
  const broker = await EmbeddedBroker.start({
    hooks: security.hooks,
    ...(ca ? { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), controls.mtls) } : {}),
  });
  security.attach(broker.aedes);
  const certsStart = performance.now();
  const certs = new Map<string, { cert: string; key: string }>();
  if (ca && controls.mtls) for (const identity of identities.all()) certs.set(identity.clientId, await ca.issueClient(identity.clientId));
  const certsMs = performance.now() - certsStart;
  const options = (clientId: string, username: string, password: string) => ({
    clientId,
    protocolVersion: 4 as const,
    reconnectPeriod: 0,
    ...(controls.auth ? { username, password } : {}),
    ...(ca ? { ca: ca.certPem, servername: 'localhost', rejectUnauthorized: true, ...(certs.get(clientId) ?? {}) } : {}),
  });
  const twinIdentity = identities.twin;
  const twin = await mqtt.connectAsync(broker.url, options(twinIdentity.clientId, twinIdentity.username, twinIdentity.password.reveal()));
  await twin.subscribeAsync('medtwin/h/#', { qos: 0 });

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const clients: MqttClient[] = [];
  const all = [...identities.all()].filter((i) => i.type === 'device');
  for (let i = 0; i < all.length; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    clients.push(
      ...(await Promise.all(batch.map((d) => mqtt.connectAsync(broker.url, options(d.clientId, d.username, d.password.reveal()))))),
    );
  }
  const connectMs = performance.now() - t0;
  const cpu1 = process.cpuUsage(cpu0);

  let received = 0;
  const total = clients.length * perDevice;
  const done = new Promise<void>((resolve) =>
    twin.on('message', () => {
      if (++received === total) resolve();
    }),
  );
  const cpu2 = process.cpuUsage();
  clients.forEach((c, i) => {
    const d = all[i]!;
    if (d.type !== 'device') return;
    for (let m = 0; m < perDevice; m++) c.publish(`medtwin/h/icu/infusion-pump/${d.deviceId}/telemetry`, `{"seq":${m}}`, { qos: 0 });
  });
  await done;
  const cpu3 = process.cpuUsage(cpu2);
  await Promise.all([...clients, twin].map((c) => c.endAsync(true)));
  await broker.close();
  return {
    name,
    connectMs,
    connectCpuMsPerDevice: (cpu1.user + cpu1.system) / 1000 / devices,
    certsMs,
    cpuUsPerMessage: (cpu3.user + cpu3.system) / total,
    messages: total,
  };
}

const rows: Row[] = [];
rows.push(await row('open', { auth: false, tls: false, mtls: false }));
rows.push(await row('auth + ACL', { auth: true, tls: false, mtls: false }));
rows.push(await row('auth + ACL + TLS', { auth: true, tls: true, mtls: false }));
rows.push(await row('auth + ACL + mutual TLS', { auth: true, tls: true, mtls: true }));
process.stdout.write(`${devices} devices, ${perDevice} telemetry messages each, broker and clients in one process\n\n`);
process.stdout.write(
  '| configuration | connect all (s) | connect CPU per device (ms) | client certificates (s) | CPU per message (µs) |\n| --- | --: | --: | --: | --: |\n',
);
for (const r of rows) {
  process.stdout.write(
    `| ${r.name} | ${(r.connectMs / 1000).toFixed(2)} | ${r.connectCpuMsPerDevice.toFixed(2)} | ${(r.certsMs / 1000).toFixed(2)} | ${r.cpuUsPerMessage.toFixed(1)} |\n`,
  );
}
