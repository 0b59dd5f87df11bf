import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/**
 * Which layers each layer may import (STYLE.md): dependencies point one way, so a device model never
 * sees MQTT and the engine never sees the UI. Playwright checks its folders the same way.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'src/core': [],
  devices: ['src/core', 'src/physiology/signals.ts'],
  'src/physiology': ['src/core'],
  'src/net': ['src/core'],
  'src/fleet': ['src/core', 'devices', 'src/physiology', 'src/net'],
  'src/inject': ['src/core', 'devices', 'src/physiology', 'src/net', 'src/fleet'],
  'src/defense': ['src/core', 'devices', 'src/physiology', 'src/net', 'src/fleet'],
  'src/scenario': ['src/core', 'devices', 'src/physiology', 'src/net', 'src/fleet', 'src/inject', 'src/defense'],
  'src/runtime': ['src/core', 'devices', 'src/physiology', 'src/net', 'src/fleet', 'src/inject', 'src/defense', 'src/scenario'],
  'src/report': [
    'src/core',
    'src/scenario/result.ts',
    'src/scenario/replay.ts',
    'src/runtime/run.ts',
    'src/runtime/study.ts',
    'src/runtime/execute.ts',
    // JUnit's file and line of each expectation: where the scenario file says it.
    'src/scenario/yaml-locate.ts',
  ],
  'src/tui': ['src/core', 'devices', 'src/physiology', 'src/net', 'src/fleet', 'src/inject', 'src/scenario', 'src/runtime', 'src/report'],
  // The library entry (package.json exports): the engine and its reports, never a face.
  'src/index.ts': ['src/core', 'src/scenario', 'src/runtime', 'src/report'],
  'src/cli': [
    'src/core',
    'devices',
    'src/physiology',
    'src/net',
    'src/fleet',
    'src/inject',
    'src/scenario',
    'src/runtime',
    'src/report',
    'src/tui',
  ],
};

function layerOf(path: string): string | undefined {
  return Object.keys(ALLOWED)
    .filter((layer) => path === layer || path.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

describe('layers', () => {
  it('import only the layers below them', () => {
    const violations: string[] = [];
    for (const layer of Object.keys(ALLOWED)) {
      const dir = join(root, layer);
      let files: string[];
      try {
        files = statSync(dir).isFile() ? [dir] : sourceFiles(dir);
      } catch {
        continue;
      }
      for (const file of files) {
        const from = relative(root, file);
        const own = layerOf(from)!;
        for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
          const spec = match[1] ?? match[2]!;
          const target = relative(root, resolve(dirname(file), spec));
          const targetLayer = layerOf(target);
          if (targetLayer === undefined || targetLayer === own) continue;
          const allowed = ALLOWED[own]!.some((a) => target === a || target.startsWith(`${a}/`));
          if (!allowed) violations.push(`${from} imports ${target} (${own} may import: ${ALLOWED[own]!.join(', ') || 'nothing in src/'})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

/**
 * Files held to less than their layer allows. The ledger is plain bookkeeping (it could be shared with
 * another process); the trigger engine needs only the clock and events, so every layer can schedule.
 */
const FILE_ALLOWED: Record<string, readonly string[]> = {
  'src/net/delivery-ledger.ts': [],
  'src/core/scheduler.ts': ['src/core/clock.ts', 'src/core/canonical-json.ts', 'src/core/event-log.ts'],
};

describe('files held to less than their layer', () => {
  it('import only what they are allowed', () => {
    const violations: string[] = [];
    for (const [file, allowed] of Object.entries(FILE_ALLOWED)) {
      for (const match of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
        const target = relative(root, resolve(dirname(join(root, file)), match[1] ?? match[2]!));
        if (!allowed.includes(target)) violations.push(`${file} imports ${target} (may import: ${allowed.join(', ') || 'nothing'})`);
      }
    }
    expect(violations).toEqual([]);
  });
});

describe('the layer check itself', () => {
  it('sees relative imports and dynamic imports', () => {
    const text =
      "import { a } from '../net/client.ts';\nexport { b } from './b.ts';\nconst m = await import('../../tui/index.tsx');\nimport type { C } from \"../core/c.ts\";";
    expect([...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2])).toEqual([
      '../net/client.ts',
      './b.ts',
      '../../tui/index.tsx',
      '../core/c.ts',
    ]);
  });

  it('places files in the most specific layer', () => {
    expect(layerOf('src/runtime/run.ts')).toBe('src/runtime');
    expect(layerOf('devices/cgm/machine.ts')).toBe('devices');
    expect(layerOf('bench/x.ts')).toBeUndefined();
  });
});

/** Every file `entry` loads through relative imports (static and dynamic), itself included. */
function closureOf(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
      visit(relative(root, resolve(dirname(join(root, file)), match[1] ?? match[2]!)));
    }
  };
  visit(entry);
  return [...seen].sort();
}

/** Packages a file imports by name (`aedes`, `node:net`, `commander`). */
const PACKAGE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^.'"][^'"]*)['"]|import\(\s*['"]([^.'"][^'"]*)['"]\s*\)/g;

describe('the broker child entry', () => {
  const entry = 'src/runtime/broker-child.ts';

  it('loads the broker and what it needs, never the CLI, the reporters or the UI', () => {
    const files = closureOf(entry);
    expect(files).toContain('src/net/broker.ts');
    // The child is the broker alone: the core, the network layer, and its own two runtime files.
    const outside = files.filter((f) => !f.startsWith('src/core/') && !f.startsWith('src/net/'));
    expect(outside).toEqual(['src/runtime/broker-child.ts', 'src/runtime/heap-policy.ts']);
    const packages = new Set(files.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(PACKAGE)].map((m) => m[1] ?? m[2]!)));
    for (const ui of ['commander', 'ink', 'react', 'xstate']) expect(packages).not.toContain(ui);
  });
});
