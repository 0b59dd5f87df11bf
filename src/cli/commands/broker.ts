import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_BROKER_LIMITS } from '../../net/broker-limits.ts';
import type { BrokerLogEvent } from '../../net/broker.ts';
import { parsePort } from '../options.ts';

interface BrokerCommandOptions {
  host: string;
  port: number;
  tls?: boolean;
  tlsDir: string;
  readyJson?: boolean;
  quiet?: boolean;
  maxConnections?: number;
  connectRate?: number;
}

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description("run the embedded MQTT broker (aedes) on its own, with medtwin's safe limits")
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 1883)
    .option('--tls', 'listen with TLS only (mqtts, TLS 1.2+), with a certificate authority generated for this broker')
    .option('--tls-dir <dir>', 'where --tls writes the CA certificate (ca.pem) for mosquitto_sub --cafile or MQTT Explorer', 'medtwin-tls')
    .option(
      '--max-connections <n>',
      `connections open at once (default ${DEFAULT_BROKER_LIMITS.maxConnections}: the descriptor limit less a reserve)`,
      parseCount,
    )
    .option('--connect-rate <n>', 'new connections one address may open per second (default 0: no limit)', parseCount)
    .option('--ready-json', 'print one JSON line {"url": ...} when ready (for scripts and child processes)')
    .option('--quiet', 'do not log client errors and refused connections')
    .addHelpText(
      'after',
      `\nLimits (docs/broker.md): max packet ${DEFAULT_BROKER_LIMITS.maxPacketSize} bytes, connect timeout ${DEFAULT_BROKER_LIMITS.connectTimeoutMs} ms,\n` +
        `drain timeout ${DEFAULT_BROKER_LIMITS.drainTimeoutMs} ms, keep-alive held to at most ${DEFAULT_BROKER_LIMITS.keepaliveLimitS} s, client id <= ${DEFAULT_BROKER_LIMITS.maxClientIdLength} chars,\n` +
        `offline queue ${DEFAULT_BROKER_LIMITS.queueLimit}, inbound QoS 2 in flight ${DEFAULT_BROKER_LIMITS.maxInflightInbound} per client.`,
    )
    .action(async (options: BrokerCommandOptions) => {
      const log =
        options.quiet || options.readyJson
          ? undefined
          : (e: BrokerLogEvent) => {
              if (e.type === 'client.error') process.stderr.write(`client ${e.clientId ?? '(unidentified)'}: ${e.error}\n`);
              if (e.type === 'connection.refused') process.stderr.write(`${e.error}\n`);
            };
      const { EmbeddedBroker } = await import('../../net/broker.ts');
      const tls = options.tls ? await brokerTls(options.host, options.tlsDir) : undefined;
      const broker = await EmbeddedBroker.start({
        host: options.host,
        port: options.port,
        onLog: log,
        limits: {
          ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
          ...(options.connectRate !== undefined ? { connectionsPerAddressPerSecond: options.connectRate } : {}),
        },
        ...(tls ? { tls: tls.options } : {}),
      });
      if (options.readyJson) {
        process.stdout.write(`${JSON.stringify({ url: broker.url, port: broker.port, ...(tls ? { ca: tls.caPath } : {}) })}\n`);
      } else {
        process.stdout.write(`medtwin broker listening on ${broker.url} (Ctrl-C to stop)\n`);
        if (tls) {
          process.stdout.write(
            `CA certificate: ${tls.caPath}\n  mosquitto_sub -h ${options.host} -p ${broker.port} --cafile ${tls.caPath} -t 'medtwin/#' -v\n`,
          );
        }
      }
      const shutdown = async () => {
        await broker.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

/** A CA for this broker, its server certificate for `host` (and the loopback names), and the CA written to `dir`. */
async function brokerTls(host: string, dir: string) {
  const [{ RunCertificateAuthority }, { serverTlsOptions, writeCaCertificate }] = await Promise.all([
    import('../../net/security/tls-ca.ts'),
    import('../../net/security/tls-options.ts'),
  ]);
  const ca = await RunCertificateAuthority.create({ name: 'medtwin broker CA' });
  const hosts = [...new Set([host, 'localhost', '127.0.0.1', '::1'])].filter((h) => h !== '0.0.0.0' && h !== '::');
  const options = serverTlsOptions(ca.certPem, await ca.issueServer(hosts), false);
  return { options, caPath: await writeCaCertificate(ca, dir) };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, received "${value}"`);
  return n;
}
