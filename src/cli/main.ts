import { Command, CommanderError } from 'commander';
import { MedtwinError } from '../core/errors.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerBrokerCommand } from './commands/broker.ts';
import { registerListCommand } from './commands/list.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerTuiCommand, openDefaultTui } from './commands/tui.ts';
import { registerValidateCommand } from './commands/validate.ts';
import { applyHeapPolicy } from './heap-policy.ts';
import { VERSION } from './version.ts';

applyHeapPolicy();

const program = new Command();
program
  .name('medtwin')
  .description(
    'Seeded, reproducible IoMT fleet simulator and digital-twin testbed.\nWith no command, opens the terminal UI on the default ward scenario.',
  )
  .version(VERSION, '-v, --version')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerRunCommand(program);
registerValidateCommand(program);
registerListCommand(program);
registerBrokerCommand(program);
registerAuditCommand(program);
registerTuiCommand(program);
program.action(async () => {
  await openDefaultTui();
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
  if (!(error instanceof CommanderError)) process.stderr.write(`medtwin: ${messageOf(error)}\n`);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every usage error is bad input.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof MedtwinError) return error.exitCode;
  return 1;
}

function messageOf(error: unknown): string {
  if (error instanceof MedtwinError) return error.message;
  if (error instanceof Error)
    return process.env.MEDTWIN_DEBUG ? (error.stack ?? error.message) : `${error.message} (set MEDTWIN_DEBUG=1 for a stack trace)`;
  return String(error);
}
