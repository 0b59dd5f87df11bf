import { Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import { fit } from '../format.ts';
import { isFiltered, type FeedFilter } from '../state/feed.ts';
import type { FeedLog } from '../state/feed-log.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface EventFeedProps {
  feed: FeedLog;
  filter: FeedFilter;
  /** The feed is one device's (its detail): the device column is left out. */
  device?: string | undefined;
  /** Lines scrolled back from the newest. */
  offset: number;
  width: number;
  height: number;
}

/** The newest events and alarms that pass the filter, newest at the bottom. */
export function EventFeed({ feed, filter, device, offset, width, height }: EventFeedProps) {
  const theme = useTheme();
  const rows = Math.max(0, height - 1);
  const items = feed.items(filter);
  const end = Math.max(0, items.length - offset);
  const shown = items.slice(Math.max(0, end - rows), end);
  const nameWidth = Math.min(20, Math.max(6, ...shown.map((i) => (i.device ?? i.source).length)));
  const right = [filterText(filter), offset > 0 ? `${offset} back (end: newest)` : ''].filter(Boolean).join(' · ');
  return (
    <Panel title={device ? `Events of ${device}` : 'Events'} right={right || undefined} width={width} height={height}>
      {shown.length === 0 ? (
        <Text color={theme.color('muted')}>{isFiltered(filter) ? 'no event passes the filter (f to change it)' : 'no events yet'}</Text>
      ) : null}
      {shown.map((item) => (
        <Text key={item.id} wrap="truncate">
          <Text color={theme.color('muted')}>{formatSimTime(item.t)} </Text>
          {device ? null : <Text bold>{fit(item.device ?? item.source, nameWidth).padEnd(nameWidth)} </Text>}
          <Text color={theme.color(item.severity)}>{item.text}</Text>
        </Text>
      ))}
    </Panel>
  );
}

function filterText(filter: FeedFilter): string {
  if (!isFiltered(filter)) return '';
  const parts = [];
  if (filter.minSeverity !== 'info') parts.push(`≥ ${filter.minSeverity}`);
  if (filter.zone !== undefined) parts.push(`zone ${filter.zone}`);
  if (filter.device !== '') parts.push(`device *${filter.device}*`);
  return `filter: ${parts.join(', ')}`;
}
