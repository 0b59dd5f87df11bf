import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { InputError, nearestName } from '../../core/errors.ts';
import { formatDuration } from '../../core/duration.ts';
import { BUILTIN_SCENARIOS_DIR } from '../paths.ts';
import type { FaultInfo } from '../../inject/registry.ts';
import type { AnyDeviceDescriptor } from '../../../devices/descriptor.ts';

const TOPICS = ['scenarios', 'faults', 'devices'] as const;

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list built-in scenarios, registered faults and attacks, or device kinds')
    .argument('[what]', `one of: ${TOPICS.join(', ')}`, 'scenarios')
    .option('--json', 'print machine-readable JSON')
    .action(async (what: string, options: { json?: boolean }) => {
      if (!(TOPICS as readonly string[]).includes(what)) {
        const hint = nearestName(what, TOPICS);
        throw new InputError(
          'E_LIST_TOPIC',
          `cannot list "${what}"${hint ? ` — did you mean "${hint}"?` : ''}; choose one of: ${TOPICS.join(', ')}`,
        );
      }
      const out =
        what === 'faults'
          ? // The scenario registry's: the faults and the attack catalogue (category attack), as a timeline names them.
            faults(
              (await import('../../inject/registry.ts')).listFaults((await import('../../runtime/registries.ts')).SCENARIO_FAULTS),
              options.json,
            )
          : what === 'devices'
            ? devices(Object.values((await import('../../../devices/index.ts')).DEVICES), options.json)
            : scenarios(options.json);
      process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    });
}

function scenarios(json?: boolean): string {
  const rows = readdirSync(BUILTIN_SCENARIOS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const path = join(BUILTIN_SCENARIOS_DIR, file);
      try {
        const doc = parse(readFileSync(path, 'utf8')) as { name?: string; description?: string; duration?: string; tags?: string[] };
        return {
          file: join('scenarios', file),
          name: doc.name ?? file,
          duration: String(doc.duration ?? ''),
          tags: doc.tags ?? [],
          description: (doc.description ?? '').trim(),
        };
      } catch {
        return {
          file: join('scenarios', file),
          name: file,
          duration: '',
          tags: [],
          description: '(unreadable: run medtwin validate on it)',
        };
      }
    });
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.file.padEnd(40)} ${r.duration.padEnd(6)} ${r.description.split('\n')[0]}`).join('\n');
}

function faults(rows: FaultInfo[], json?: boolean): string {
  if (json) return JSON.stringify(rows, null, 2);
  return rows
    .map((f) => {
      const params = f.params
        .map((p) => `${p.name}${p.default !== undefined ? `=${JSON.stringify(p.default)}` : p.required ? '' : '?'}`)
        .join(' ');
      return `${f.name.padEnd(30)} ${f.category.padEnd(7)} ${f.summary}${params ? `\n${' '.repeat(39)}params: ${params}` : ''}`;
    })
    .join('\n');
}

function devices(descriptors: readonly AnyDeviceDescriptor[], json?: boolean): string {
  const rows = descriptors.map((d) => ({
    kind: d.kind,
    title: d.title,
    summary: d.summary,
    telemetryPeriod: formatDuration(d.telemetryPeriodMs),
    samplePeriod: formatDuration(d.samplePeriodMs),
    measures: d.measures,
    conditions: d.conditions.map((c) => c.name),
    states: d.docs.states.map((s) => s.name),
    alarms: d.docs.alarms.map((a) => `${a.name} (${a.priority})`),
    commands: d.docs.commands.map((c) => c.name),
  }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows
    .map((d) =>
      [
        `${d.kind} — ${d.title}`,
        `  ${d.summary}`,
        `  telemetry every ${d.telemetryPeriod}, samples every ${d.samplePeriod}${d.measures.length ? `, measures ${d.measures.join(', ')}` : ''}`,
        `  states:     ${d.states.join(', ')}`,
        `  alarms:     ${d.alarms.join(', ')}`,
        `  commands:   ${d.commands.join(', ')}`,
        d.conditions.length ? `  conditions: ${d.conditions.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n\n');
}
