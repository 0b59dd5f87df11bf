import type { Command } from 'commander';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check scenario files without running them (exit 0 all valid, 2 any invalid)')
    .argument('<scenarios...>', 'scenario files (YAML)')
    .option('--json', 'print the diagnostics as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const [{ validateFiles }, { formatDiagnostic }, { SCENARIO_REGISTRIES }] = await Promise.all([
        import('../../scenario/loader.ts'),
        import('../../scenario/diagnostics.ts'),
        import('../../runtime/registries.ts'),
      ]);
      const results = await validateFiles(files, SCENARIO_REGISTRIES);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const result of results) {
          if (result.ok) {
            process.stdout.write(`ok   ${result.file}\n`);
            continue;
          }
          process.stdout.write(`FAIL ${result.file} (${result.diagnostics.length} problem${result.diagnostics.length === 1 ? '' : 's'})\n`);
          for (const d of result.diagnostics) process.stdout.write(`  ${formatDiagnostic(d)}\n`);
        }
      }
      process.exitCode = results.every((r) => r.ok) ? 0 : 2;
    });
}
