import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, EXIT, exitCodeOf, InputError, MedtwinError } from './errors.ts';

describe('exit codes', () => {
  it('docs/ci.md lists exactly the codes of EXIT', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'ci.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Exit codes'), docs.indexOf('## Reporters'));
    const documented = [...section.matchAll(/^\| ([\d, ]+) \|/gm)].flatMap((m) => m[1]!.split(',').map((n) => Number(n.trim())));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('maps errors to the table: input 2, environment 3 (also raw socket errors, and wrapped ones), the rest 1', () => {
    expect(exitCodeOf(new InputError('E_X', 'bad'))).toBe(EXIT.badInput);
    expect(exitCodeOf(new EnvironmentError('E_X', 'no broker'))).toBe(EXIT.environment);
    expect(exitCodeOf(new MedtwinError('E_X', 'failed'))).toBe(EXIT.failed);
    const emfile = Object.assign(new Error('connect EMFILE 127.0.0.1:1883'), { code: 'EMFILE' });
    expect(exitCodeOf(emfile)).toBe(EXIT.environment);
    expect(exitCodeOf(new Error('wrapped', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }))).toBe(
      EXIT.environment,
    );
    expect(exitCodeOf(new AggregateError([emfile], 'many'))).toBe(EXIT.environment);
    expect(exitCodeOf(new TypeError('a bug'))).toBe(EXIT.failed);
    expect(exitCodeOf('a string')).toBe(EXIT.failed);
  });
});
