import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { formatDuration } from '../../core/duration.ts';
import type { RecordedAction } from './recorder.ts';

export interface SessionScenarioOptions {
  /** The scenario file the session ran, as text (comments and layout are kept). */
  source: string;
  seed: string;
  actions: readonly RecordedAction[];
}

/**
 * The session's scenario: the file it ran, its seed pinned, and what was done by hand added to its
 * timeline (injections, with `for` when they were ended) and its commands, at the simulation times
 * they happened. `medtwin run` of it replays the session: same seed, same actions, same alarms.
 */
export function sessionScenario({ source, seed, actions }: SessionScenarioOptions): string {
  const doc = parseDocument(source);
  if (!isMap(doc.contents)) throw new Error('the scenario file is not a YAML mapping');
  doc.set('seed', /^\d+$/.test(seed) ? Number(seed) : seed);
  const injections = actions.filter((a) => a.kind === 'inject');
  const commands = actions.filter((a) => a.kind === 'command');
  if (injections.length > 0) {
    const timeline = seqAt(doc, 'timeline');
    const perId = new Map<string, number>();
    for (const a of injections) perId.set(a.id, (perId.get(a.id) ?? 0) + 1);
    for (const a of injections) {
      const entry: Record<string, unknown> = {
        // An injection that hit several devices becomes one entry per device, each with its own id.
        id: perId.get(a.id)! > 1 ? `${a.id}-${a.device}` : a.id,
        at: duration(a.at),
        fault: a.fault,
        target: { device: a.device },
      };
      if (Object.keys(a.params).length > 0) entry.params = a.params;
      if (a.forMs !== undefined) entry.for = duration(a.forMs);
      timeline.add(doc.createNode(entry));
    }
  }
  if (commands.length > 0) {
    const list = seqAt(doc, 'commands');
    for (const a of commands) list.add(doc.createNode({ at: duration(a.at), target: { device: a.device }, command: a.command }));
  }
  const note = `Recorded in medtwin tui (seed ${seed}): ${injections.length} injection${injections.length === 1 ? '' : 's'} and ${commands.length} command${commands.length === 1 ? '' : 's'} by hand.`;
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n ${note}` : ` ${note}`;
  return doc.toString({ lineWidth: 0 });
}

function seqAt(doc: ReturnType<typeof parseDocument>, key: string): YAMLSeq {
  const existing = doc.get(key);
  if (isSeq(existing)) return existing;
  const seq = new YAMLSeq();
  doc.set(key, seq);
  return seq;
}

/** A duration as the scenario language writes it: "12m7s123ms", "0s". */
function duration(ms: number): string {
  return formatDuration(Math.round(ms)) || '0s';
}
