import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { collect, parseDurationOption } from '../options.ts';

interface AuditCommandOptions {
  username?: string;
  clientId?: string;
  password?: string;
  cafile?: string;
  cert?: string;
  key?: string;
  timeout: number;
  listen: number;
  reporter?: string[];
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      'check what an MQTT broker allows a stranger (exit 0 no findings, 1 findings, 2 bad input, 3 unreachable); it never publishes',
    )
    .argument('<url>', 'the broker: mqtt://host:port or mqtts://host:port')
    .option('--username <name>', 'also audit this account (when anonymous and default logins are refused)')
    .option('--password <password>', 'its password (or set MEDTWIN_AUDIT_PASSWORD, which stays out of the process list)')
    .option('--client-id <id>', 'the client id to log in with --username (for brokers that bind accounts to client ids)')
    .option('--cafile <path>', "the broker's CA certificate (PEM), to verify an mqtts broker, e.g. medtwin-tls/ca.pem")
    .option('--cert <path>', 'a client certificate (PEM) for a broker that requires mutual TLS')
    .option('--key <path>', "the client certificate's private key (PEM)")
    .option('--timeout <duration>', 'per connection attempt', parseDurationOption, 5000)
    .option('--listen <duration>', 'how long to read after subscribing to "#" and "$SYS/#" (at most 60s)', parseDurationOption, 3000)
    .option(
      '--reporter <name[:path]>',
      'console (default), json, markdown or junit; repeatable, e.g. --reporter junit:out/audit.xml',
      collect,
    )
    .addHelpText(
      'after',
      `
Checks (after MQTTSA): plaintext listener; TLS version and certificate; anonymous access; a short list of default logins;
"#" and "$SYS/#" readable; retained messages readable; patient data in the clear. It subscribes and
listens only: nothing is published, so no device is ever commanded. See docs/security.md.

Examples:
  medtwin audit mqtt://127.0.0.1:1883
  medtwin audit mqtts://127.0.0.1:8883 --cafile medtwin-tls/ca.pem --reporter markdown:out/audit.md`,
    )
    .action(async (url: string, options: AuditCommandOptions) => {
      const [{ auditBroker, parseAuditTarget, parseAuditReporter, AUDIT_REPORTERS, auditExitCode }, { writeOutput }] = await Promise.all([
        import('../../net/security/audit/index.ts'),
        import('../../report/output.ts'),
      ]);
      const target = parseAuditTarget(url);
      const reporters = (options.reporter ?? ['console']).map(parseAuditReporter);
      if (options.listen > 60_000) throw new InputError('E_FLAGS', `--listen: at most 60s, received ${options.listen} ms`);
      if (options.timeout < 1) throw new InputError('E_FLAGS', '--timeout must be longer than 0');
      if ((options.cert === undefined) !== (options.key === undefined)) throw new InputError('E_FLAGS', 'give --cert and --key together');
      const password = options.password ?? process.env.MEDTWIN_AUDIT_PASSWORD;
      if (password !== undefined && options.username === undefined) throw new InputError('E_FLAGS', 'a password needs --username');
      const tls = {
        ...(options.cafile ? { ca: await readPem(options.cafile, '--cafile') } : {}),
        ...(options.cert ? { cert: await readPem(options.cert, '--cert') } : {}),
        ...(options.key ? { key: await readPem(options.key, '--key') } : {}),
      };
      const report = await auditBroker(target, {
        tls,
        timeoutMs: options.timeout,
        listenMs: options.listen,
        ...(options.username
          ? {
              credentials: {
                username: options.username,
                ...(password === undefined ? {} : { password }),
                ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
              },
            }
          : {}),
      });
      for (const spec of reporters) {
        await writeOutput(AUDIT_REPORTERS[spec.name](report), spec.path === undefined ? {} : { path: spec.path });
      }
      process.exitCode = auditExitCode(report);
    });
}

async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError('E_FLAGS', `${flag}: cannot read ${JSON.stringify(path)}: ${reason}`);
  }
}
