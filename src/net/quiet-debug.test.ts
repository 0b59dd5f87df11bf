import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silencedNamespaces } from './quiet-debug.ts';
import './client.ts';

const require = createRequire(import.meta.url);
const src = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

// A value import (not `import type`) of a package that creates `debug` loggers when it loads.
const LOADS_DEBUG = /^import\s+(?!type\b)[^;]*from\s+'(mqtt|mqtt-packet|aedes)'/m;

describe('quiet-debug', () => {
  it('is the first import of every module that loads mqtt.js, mqtt-packet or aedes', () => {
    const importers = sources(src).filter((path) => LOADS_DEBUG.test(readFileSync(path, 'utf8')));
    expect(importers.length).toBeGreaterThan(3);
    for (const path of importers) {
      const first = readFileSync(path, 'utf8').match(/^import\s+[^;]*;/m)?.[0];
      const expected = relative(dirname(path), join(src, 'net/quiet-debug.ts'));
      expect(first, relative(src, path)).toBe(`import '${expected.startsWith('.') ? expected : `./${expected}`}';`);
    }
  });

  it("silences mqtt-packet's loggers when their namespaces are off", () => {
    // vitest runs without DEBUG, so mqtt-packet's writer and parser were created off.
    expect(process.env.DEBUG ?? '').toBe('');
    expect([...silencedNamespaces()]).toEqual(expect.arrayContaining(['mqtt-packet:parser', 'mqtt-packet:writeToStream']));
  });

  it('hands out a logger that does nothing for a namespace that is off, and the real one for a namespace that is on', () => {
    const createDebug = require(createRequire(require.resolve('mqtt-packet')).resolve('debug')) as {
      (namespace: string): { (...args: unknown[]): void; enabled: boolean; namespace: string; extend(s: string): { namespace: string } };
      enable(namespaces: string): void;
      disable(): string;
      log: (...args: unknown[]) => void;
    };
    const off = createDebug('medtwin-test:off');
    expect(off.enabled).toBe(false);
    expect(off.namespace).toBe('medtwin-test:off');
    expect(off.extend('sub').namespace).toBe('medtwin-test:off:sub');
    expect(silencedNamespaces().has('medtwin-test:off')).toBe(true);
    const previous = createDebug.disable();
    const lines: unknown[][] = [];
    const log = createDebug.log;
    try {
      createDebug.enable('medtwin-test:on');
      createDebug.log = (...args: unknown[]) => lines.push(args);
      const on = createDebug('medtwin-test:on');
      expect(on.enabled).toBe(true);
      on('hello %s', 'world');
      expect(lines).toHaveLength(1);
      expect(silencedNamespaces().has('medtwin-test:on')).toBe(false);
    } finally {
      createDebug.log = log;
      createDebug.enable(previous);
    }
  });
});
