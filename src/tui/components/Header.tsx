import { Box, Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import type { RunStatus } from '../../runtime/run.ts';
import { behindLabel, phaseLabel, speedLabel } from '../format.ts';
import { useTheme } from '../theme.tsx';

export interface HeaderProps {
  scenario: string;
  seed: string;
  status: RunStatus;
  paused: boolean;
  started: boolean;
  brokerUrl: string | undefined;
  width: number;
}

/**
 * A realtime run says it is behind once simulated time trails the wall clock by a second and by a
 * quarter of a second of wall time: a slice or two behind is normal, and at ×100 a slice is a second.
 */
function isBehind(status: RunStatus): boolean {
  const behind = status.behindMs ?? 0;
  return typeof status.speed === 'number' && behind >= 1000 && behind / status.speed >= 250;
}

/** Two lines: what is running (scenario, seed, clock, pace) and where to connect to it (the broker). */
export function Header({ scenario, seed, status, paused, started, brokerUrl, width }: HeaderProps) {
  const theme = useTheme();
  const phase = phaseLabel(status, paused, started);
  const phaseRole = phase === 'running' ? 'running' : phase === 'finished' ? 'muted' : 'paused';
  const icon = phase === 'running' ? '▶' : phase === 'finished' ? '■' : '⏸';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold inverse>
          {' medtwin '}
        </Text>
        <Text bold> {scenario}</Text>
        <Text color={theme.color('muted')}> seed </Text>
        <Text>{seed}</Text>
        <Text>{'  '}</Text>
        <Text color={theme.color(phaseRole)} bold>
          {icon} {phase}
        </Text>
        <Text>{'  '}</Text>
        <Text bold>{formatSimTime(status.simMs)}</Text>
        <Text color={theme.color('muted')}> / {formatSimTime(status.durationMs)}</Text>
        <Text>{'  '}</Text>
        <Text color={theme.color('accent')}>{speedLabel(status.speed)}</Text>
        {isBehind(status) && <Text color={theme.color('warning')}> behind {behindLabel(status.behindMs!)}</Text>}
      </Text>
      <Text wrap="truncate" color={theme.color('muted')}>
        broker {brokerUrl ?? '(starting…)'} · {status.messages} msgs · {status.delivered} delivered · {status.events} events · ? for help
      </Text>
    </Box>
  );
}
