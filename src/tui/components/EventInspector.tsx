import { Box, Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import type { LoggedEvent } from '../../core/event-log.ts';
import type { ExpectationResult } from '../../scenario/result.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface EventInspectorProps {
  event: LoggedEvent | undefined;
  id: number | undefined;
  /** The live verdicts: those whose evidence cites the event are named. */
  expectations: readonly ExpectationResult[] | undefined;
  width: number;
  height: number;
  onClose(): void;
}

/** One event in full: time, source, type, its whole payload, and the expectations that cite it as evidence. */
export function EventInspector({ event, id, expectations, width, height, onClose }: EventInspectorProps) {
  const theme = useTheme();
  useKeys(
    (_input, key) => {
      if (key.escape || key.return) onClose();
    },
    { layer: 1 },
  );
  const citing = (expectations ?? []).filter((e) => id !== undefined && e.evidence.includes(id));
  const payload = event ? JSON.stringify(event.data, null, 2).split('\n') : [];
  const room = Math.max(0, height - 4 - Math.max(1, citing.length));
  return (
    <Panel title={`Event #${id ?? '?'}`} right="esc close" width={width} height={height}>
      {event === undefined ? (
        <Text color={theme.color('muted')}>this event is no longer kept in memory (the session's event log has it: w saves it)</Text>
      ) : (
        <Box flexDirection="column">
          <Text wrap="truncate">
            <Text bold>{event.type}</Text>
            <Text color={theme.color('muted')}>
              {' '}
              at {formatSimTime(event.t)} ({event.t} ms) from {event.source}
            </Text>
          </Text>
          <Text wrap="truncate" color={theme.color('muted')}>
            cited by {citing.length === 0 ? 'no expectation (so far)' : citing.map((e) => `${e.passed ? '✓' : '✗'} ${e.name}`).join(' · ')}
          </Text>
          {payload.slice(0, room).map((line, i) => (
            <Text key={i} wrap="truncate">
              {line}
            </Text>
          ))}
          {payload.length > room ? <Text color={theme.color('muted')}>… {payload.length - room} more lines</Text> : null}
        </Box>
      )}
    </Panel>
  );
}
