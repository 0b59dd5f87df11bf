import type { Command } from 'commander';
import { DEFAULT_BROKER_LIMITS } from '../../net/broker-limits.ts';
import { parsePort } from '../options.ts';

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description("run the embedded MQTT broker (aedes) on its own, with medtwin's safe limits")
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 1883)
    .option('--ready-json', 'print one JSON line {"url": ...} when ready (for scripts and child processes)')
    .option('--quiet', 'do not log client connections and errors')
    .addHelpText(
      'after',
      `\nLimits (docs/broker.md): max packet ${DEFAULT_BROKER_LIMITS.maxPacketSize} bytes, connect timeout ${DEFAULT_BROKER_LIMITS.connectTimeoutMs} ms,\n` +
        `drain timeout ${DEFAULT_BROKER_LIMITS.drainTimeoutMs} ms, keep-alive limit ${DEFAULT_BROKER_LIMITS.keepaliveLimitS} s, client id <= ${DEFAULT_BROKER_LIMITS.maxClientIdLength} chars.`,
    )
    .action(async (options: { host: string; port: number; readyJson?: boolean; quiet?: boolean }) => {
      const log =
        options.quiet || options.readyJson
          ? undefined
          : (e: { type: string; clientId?: string; error?: string }) => {
              if (e.type === 'client.error') process.stderr.write(`client ${e.clientId ?? '(unidentified)'}: ${e.error}\n`);
            };
      const { EmbeddedBroker } = await import('../../net/broker.ts');
      const broker = await EmbeddedBroker.start({ host: options.host, port: options.port, onLog: log });
      if (options.readyJson) process.stdout.write(`${JSON.stringify({ url: broker.url, port: broker.port })}\n`);
      else process.stdout.write(`medtwin broker listening on ${broker.url} (Ctrl-C to stop)\n`);
      const shutdown = async () => {
        await broker.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
