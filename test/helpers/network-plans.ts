import { timelineEntrySchema, type TimelineEntry } from '../../src/scenario/schema.ts';

/** Timeline entries as a scenario file writes them (durations with units), parsed as the loader would. */
export function parseTimeline(entries: unknown[]): TimelineEntry[] {
  return entries.map((e, i) => {
    const entry = timelineEntrySchema.parse(e) as TimelineEntry;
    return { ...entry, id: entry.id ?? `${entry.fault}#${i}` };
  });
}
