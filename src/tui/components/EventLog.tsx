import { Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import type { FeedFilter, FeedItem } from '../state/feed.ts';
import type { FeedLog } from '../state/feed-log.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

/** The feed lines the log browser lists: those passing the filter and containing the search text. */
export function logItems(feed: FeedLog, filter: FeedFilter, query: string): FeedItem[] {
  const q = query.trim().toLowerCase();
  const items = feed.items(filter);
  if (q === '') return items;
  return items.filter((i) => `${i.text} ${i.type} ${i.device ?? i.source} #${i.id}`.toLowerCase().includes(q));
}

export interface EventLogProps {
  items: readonly FeedItem[];
  /** The cursor, counted back from the newest line. */
  cursor: number;
  query: string;
  width: number;
  height: number;
}

/**
 * `l`: the event feed as a scrollable list with a cursor: ↑↓ and PgUp/PgDn move, `/` searches the
 * text, enter opens the event under the cursor in full (its payload and the expectations citing it).
 */
export function EventLog({ items, cursor, query, width, height }: EventLogProps) {
  const theme = useTheme();
  const rows = Math.max(1, height - 1);
  const selected = items.length - 1 - cursor;
  // Keep the cursor's line in view: the window ends at the newest line until the cursor leaves it.
  const end = Math.min(items.length, Math.max(rows, selected + 1 + Math.floor(rows / 2)));
  const shown = items.slice(Math.max(0, end - rows), end);
  const right = `${items.length} events${query ? ` matching "${query}"` : ''} · ${cursor === 0 ? 'newest' : `${cursor} back`}`;
  return (
    <Panel title="Event log" right={right} width={width} height={height}>
      {items.length === 0 ? <Text color={theme.color('muted')}>{query ? `no event matches "${query}"` : 'no events yet'}</Text> : null}
      {shown.map((item) => {
        const here = item === items[selected];
        return (
          <Text key={item.seq} wrap="truncate" inverse={here}>
            <Text color={theme.color('muted')}>
              {here ? '›' : ' '}
              {formatSimTime(item.t)} #{String(item.id).padEnd(6)}
            </Text>
            <Text bold>{(item.device ?? item.source).padEnd(20)} </Text>
            <Text color={theme.color(item.severity)}>{item.text}</Text>
          </Text>
        );
      })}
    </Panel>
  );
}
