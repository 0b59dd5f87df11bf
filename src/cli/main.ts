import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf, InputError, MedtwinError, nearestName } from '../core/errors.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerBrokerCommand } from './commands/broker.ts';
import { registerListCommand } from './commands/list.ts';
import { registerMatrixCommand } from './commands/matrix.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerTuiCommand, openDefaultTui } from './commands/tui.ts';
import { registerValidateCommand } from './commands/validate.ts';
import { applyHeapPolicy } from '../runtime/heap-policy.ts';
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
  .configureOutput({ outputError: (text, write) => write(text) })
  // `medtwin` alone opens the TUI, so the program takes no arguments of its own; an unknown word is
  // a mistyped command, answered below with the nearest one (commander said "too many arguments").
  .allowExcessArguments(true);

registerRunCommand(program);
registerValidateCommand(program);
registerListCommand(program);
registerBrokerCommand(program);
registerAuditCommand(program);
registerMatrixCommand(program);
registerTuiCommand(program);
program.action(async () => {
  const [word] = program.args;
  if (word !== undefined) {
    const commands = program.commands.map((c) => c.name());
    const hint = nearestName(word, commands);
    throw new InputError(
      'E_UNKNOWN_COMMAND',
      `unknown command "${word}"${hint ? ` — did you mean "${hint}"?` : ''}; the commands are ${commands.join(', ')} (medtwin --help)`,
    );
  }
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
    return error.exitCode === 0 ? EXIT.passed : EXIT.badInput;
  }
  // A MedtwinError's own code; a raw EMFILE or ECONNREFUSED from a socket is the environment (3).
  return exitCodeOf(error);
}

function messageOf(error: unknown): string {
  if (error instanceof MedtwinError) return error.message;
  if (error instanceof Error)
    return process.env.MEDTWIN_DEBUG ? (error.stack ?? error.message) : `${error.message} (set MEDTWIN_DEBUG=1 for a stack trace)`;
  return String(error);
}
