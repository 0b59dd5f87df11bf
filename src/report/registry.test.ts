import { describe, expect, it } from 'vitest';
import { HtmlReporter } from './html.ts';
import { JsonReporter } from './json.ts';
import { JunitReporter } from './junit.ts';
import { ListReporter } from './list.ts';
import { MarkdownReporter } from './markdown.ts';
import { Multiplexer } from './multiplexer.ts';
import { REPORTERS, createReporter, createReporters, parseReporterSpec } from './registry.ts';

describe('parseReporterSpec', () => {
  it('splits NAME:PATH at the first colon only', () => {
    expect(parseReporterSpec('junit:out/junit.xml')).toEqual({ name: 'junit', path: 'out/junit.xml' });
    expect(parseReporterSpec('html:C:/reports/a.html')).toEqual({ name: 'html', path: 'C:/reports/a.html' });
    expect(parseReporterSpec('list')).toEqual({ name: 'list' });
  });

  it('names the valid reporters and suggests the nearest one for a typo', () => {
    expect(() => parseReporterSpec('junt:out.xml')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: --reporter: unknown reporter "junt" — did you mean "junit"? (valid reporters: list, json, junit, markdown, html, events, dataset; write NAME or NAME:PATH)]`,
    );
    try {
      parseReporterSpec('pdf');
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('E_UNKNOWN_REPORTER');
      expect((error as { exitCode: number }).exitCode).toBe(2);
      expect((error as Error).message).not.toContain('did you mean');
    }
  });

  it('rejects an empty path rather than writing to a file called ""', () => {
    expect(() => parseReporterSpec('json:')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: --reporter: expected a file path after "json:", received nothing (write json:PATH, or json alone)]`,
    );
  });

  it('does not take inherited object keys for reporter names', () => {
    expect(() => parseReporterSpec('toString')).toThrow(/unknown reporter "toString"/);
  });
});

describe('REPORTERS', () => {
  it('builds each reporter by name', () => {
    expect(Object.keys(REPORTERS)).toEqual(['list', 'json', 'junit', 'markdown', 'html', 'events', 'dataset']);
    expect(createReporter('list')).toBeInstanceOf(ListReporter);
    expect(createReporter('json:x.json')).toBeInstanceOf(JsonReporter);
    expect(createReporter({ name: 'junit', path: 'x.xml' })).toBeInstanceOf(JunitReporter);
    expect(createReporter('markdown')).toBeInstanceOf(MarkdownReporter);
    expect(createReporter('html:r.html')).toBeInstanceOf(HtmlReporter);
  });

  it('puts every --reporter behind one multiplexer, failing on a bad spec before building any', () => {
    const mux = createReporters(['list', 'junit:out/j.xml']);
    expect(mux).toBeInstanceOf(Multiplexer);
    expect(mux.reporters.map((r) => r.constructor.name)).toEqual(['ListReporter', 'JunitReporter']);
    expect(() => createReporters(['list', 'xml'])).toThrow(/unknown reporter "xml"/);
  });

  it('adds a one-line console summary when every reporter writes to a file (issue 18)', () => {
    const names = (specs: string[]) => createReporters(specs).reporters.map((r) => r.constructor.name);
    expect(names(['junit:out/j.xml', 'html'])).toEqual(['JunitReporter', 'HtmlReporter', 'SummaryLineReporter']);
    expect(names(['junit:out/j.xml', 'list'])).toEqual(['JunitReporter', 'ListReporter']);
    expect(names(['json'])).toEqual(['JsonReporter']);
  });

  it('asks for a file for the event log', () => {
    expect(() => createReporters(['events'])).toThrow('--reporter events needs a file: write events:PATH');
    expect(() => createReporters(['dataset'])).toThrow('--reporter dataset needs a directory: write dataset:DIR');
  });
});
