import { describe, expect, it } from 'vitest';
import { parseSource } from './yaml-locate.ts';

const TEXT = `name: x
duration:
fleet:
  zones:
    - id: icu
      devices: { infusion-pump: 2 }
timeline:
  - at: soon
    fualt: x
`;

describe('parseSource', () => {
  const source = parseSource(TEXT);

  it('keeps the plain data', () => {
    expect(source.syntaxErrors).toEqual([]);
    expect(source.data).toMatchObject({ name: 'x', duration: null, timeline: [{ at: 'soon', fualt: 'x' }] });
  });

  it('locates a value, or its key', () => {
    expect(source.locate(['timeline', 0, 'at'])).toEqual({ line: 8, col: 9 });
    expect(source.locate(['timeline', 0, 'fualt'], 'key')).toEqual({ line: 9, col: 5 });
    expect(source.locate(['fleet', 'zones', 0, 'devices', 'infusion-pump'], 'key')).toEqual({ line: 6, col: 18 });
    expect(source.locate(['fleet', 'zones', 0, 'devices', 'infusion-pump'])).toEqual({ line: 6, col: 33 });
  });

  it('points an empty value at its key', () => {
    expect(source.locate(['duration'])).toEqual({ line: 2, col: 1 });
  });

  it('points a missing field at the mapping it belongs in', () => {
    expect(source.locate(['fleet', 'zones', 0, 'beds'])).toEqual({ line: 5, col: 7 });
    expect(source.locate(['timeline', 0, 'fault'])).toEqual({ line: 8, col: 5 });
    expect(source.locate(['nothing', 'here'])).toEqual({ line: 1, col: 1 });
  });

  it('reports YAML syntax errors at their position and gives no data', () => {
    const broken = parseSource('a: 1\nb: [1, 2\nc: 3\n');
    expect(broken.data).toBeUndefined();
    expect(broken.syntaxErrors).toEqual([
      {
        line: 3,
        col: 1,
        path: [],
        message: 'invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('treats a repeated key as an error, not a silent override', () => {
    expect(parseSource('name: a\nname: b\n').syntaxErrors.map((e) => [e.line, e.message])).toEqual([
      [2, 'invalid YAML: map keys must be unique'],
    ]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    const bomb = parseSource(levels.join('\n'));
    expect(bomb.data).toBeUndefined();
    expect(bomb.syntaxErrors).toEqual([
      { line: 1, col: 1, path: [], message: 'invalid YAML: excessive alias count indicates a resource exhaustion attack' },
    ]);
  });
});
