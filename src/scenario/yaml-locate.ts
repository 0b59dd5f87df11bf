import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ScenarioIssue } from './diagnostics.ts';

/** A parsed YAML file that remembers where every node came from. */
export interface SourceDocument {
  /** The plain data, or undefined when the YAML itself is broken. */
  data: unknown;
  /** YAML syntax problems, already located. */
  syntaxErrors: (ScenarioIssue & { line: number; col: number })[];
  /** Line and column (1-based) of the node a path leads to; see `locate`. */
  locate(path: readonly PropertyKey[], at?: 'key' | 'value'): { line: number; col: number };
}

/**
 * Parses YAML keeping node ranges (yaml v2's parseDocument + LineCounter), so a problem found later
 * in the plain data can be reported at `file:line:col`.
 */
export function parseSource(text: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(1, line), col: Math.max(1, col) };
  };
  const syntaxErrors = doc.errors.map((error) => ({
    ...position(error.pos[0]),
    path: [],
    message: `invalid YAML: ${lowerFirst(error.message)}`,
  }));
  let data: unknown;
  if (syntaxErrors.length === 0) {
    try {
      // An alias bomb ("billion laughs") is refused rather than expanded.
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      syntaxErrors.push({ line: 1, col: 1, path: [], message: `invalid YAML: ${lowerFirst((error as Error).message)}` });
    }
  }
  return {
    data,
    syntaxErrors,
    locate: (path, at = 'value') => position(locateOffset(doc, path, at)),
  };
}

/**
 * The offset of the node at `path`. When the path runs past what the file has (a missing required
 * field), it is the innermost node that exists, which is where the field should be added. `at: 'key'`
 * points at the key of the last step instead of its value (an unknown or misspelt field name).
 */
export function locateOffset(doc: Document, path: readonly PropertyKey[], at: 'key' | 'value' = 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    node = resolve(doc, node);
    const segment = path[i];
    let keyNode: unknown;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair === undefined) break;
      keyNode = pair.key;
      next = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
    } else {
      break;
    }
    const last = i === path.length - 1;
    const keyStart = rangeStart(keyNode);
    // An empty value (`at:` with nothing after it) has no useful position of its own; its key does.
    const valueStart = isEmpty(next) ? undefined : rangeStart(next);
    offset = (last && at === 'key' ? keyStart : (valueStart ?? keyStart)) ?? offset;
    node = next;
  }
  return offset;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = (node as Node).range;
  return isScalar(node) && node.value === null && range != null && range[0] === range[1];
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
