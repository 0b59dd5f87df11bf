import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// The pure layers: their behaviour must be a function of the injected clock and the seeded Rng.
// Single files elsewhere that must be pure too: the run's bookkeeping and assembly.
const PURE = [
  'src/core',
  'src/physiology',
  'devices',
  'src/net/delivery-ledger.ts',
  'src/runtime/assemble-result.ts',
  'src/runtime/plan-events.ts',
  'src/runtime/run-core.ts',
  'src/runtime/referee.ts',
  'src/runtime/timeline.ts',
];
const FORBIDDEN =
  /\bDate\.now\s*\(|\bMath\.random\s*\(|(?<![.\w])set(?:Timeout|Interval|Immediate)\s*\(|\bnew Date\s*\(\s*\)|performance\.now\s*\(/;

function sourceFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('pure layers', () => {
  it('never read the wall clock, schedule real timers or use unseeded randomness', () => {
    const offenders: string[] = [];
    for (const dir of PURE) {
      for (const file of sourceFiles(join(root, dir))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.replace(/\/\/.*$/, '');
            // A method declaration with typed parameters (the Clock interface itself) is not a call.
            if (/^\s*set\w+\(\w+\s*:/.test(code)) return;
            if (FORBIDDEN.test(code)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check itself catches each forbidden call', () => {
    for (const line of ['Date.now()', 'Math.random()', 'setTimeout(f, 1)', 'setInterval(f)', 'new Date()']) {
      expect(FORBIDDEN.test(line), line).toBe(true);
    }
    // The injected clock's own methods are allowed.
    expect(FORBIDDEN.test('clock.setTimeout(f, 1)')).toBe(false);
  });
});
