import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as medtwin from 'medtwin';

const root = join(import.meta.dirname, '..');

describe('the library entry', () => {
  it("resolves 'medtwin' to src/index.ts through package.json exports, as a user's project would", () => {
    const require = createRequire(join(root, 'package.json'));
    // Node's own resolver (not vitest's): the package's self-reference goes through `exports`.
    expect(require.resolve('medtwin')).toBe(join(root, 'src', 'index.ts'));
    expect(require.resolve('medtwin/package.json')).toBe(join(root, 'package.json'));
    expect(() => require.resolve('medtwin/src/cli/main.ts')).toThrow(/not defined by "exports"/);
  });

  it('exports what docs/api.md documents', () => {
    const doc = readFileSync(join(root, 'docs', 'api.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## The API'));
    const documented = [...table.matchAll(/^\| `(?:new )?(\w+)/gm)].map((m) => m[1]!);
    const more = [...table.matchAll(/`(seedRange|seedList|DEFAULT_DEPENDENCIES|loadScenario|parseScenario)\b/g)].map((m) => m[1]!);
    for (const name of new Set([...documented, ...more])) expect(medtwin, name).toHaveProperty(name);
  });

  it("docs/api.md's example is test/api/example.test.ts, word for word (the suite runs that file)", () => {
    const doc = readFileSync(join(root, 'docs', 'api.md'), 'utf8');
    const example = readFileSync(join(root, 'test', 'api', 'example.test.ts'), 'utf8');
    const block = /<!-- example: test\/api\/example\.test\.ts -->\n```ts\n([\s\S]*?)```/.exec(doc);
    expect(block?.[1]).toBe(example);
  });
});
