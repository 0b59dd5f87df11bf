/**
 * Writes schema/scenario.schema.json from the scenario zod schema, with the device kinds and faults
 * medtwin ships spelled out so editors complete and check them. `--check` only compares (for CI).
 *
 *   node --import tsx scripts/gen-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEVICES } from '../devices/index.ts';
import { FAULTS } from '../src/inject/index.ts';
import { renderScenarioJsonSchema } from '../src/scenario/json-schema.ts';

export const SCHEMA_PATH = join(import.meta.dirname, '..', 'schema', 'scenario.schema.json');

/** The committed schema's exact text; a test compares the file with it so the two cannot drift. */
export function scenarioSchemaText(): string {
  return renderScenarioJsonSchema({ devices: DEVICES, faults: FAULTS });
}

function main(args: readonly string[]): number {
  const text = scenarioSchemaText();
  const shown = relative(process.cwd(), SCHEMA_PATH);
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_PATH, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (current === text) return 0;
    console.error(`${shown} is out of date: run node --import tsx scripts/gen-schema.ts`);
    return 1;
  }
  writeFileSync(SCHEMA_PATH, text);
  console.log(`wrote ${shown}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
