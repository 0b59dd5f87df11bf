import { Box, Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import type { RunStatus } from '../../runtime/run.ts';
import { achievedLabel, fit, phaseLabel, speedLabel } from '../format.ts';
import { useTheme } from '../theme.tsx';

export interface HeaderProps {
  scenario: string;
  seed: string;
  status: RunStatus;
  paused: boolean;
  started: boolean;
  brokerUrl: string | undefined;
  /** The security profile applied to the run's traffic; a scenario that names none is `open`. */
  security?: string | undefined;
  width: number;
}

/** Below this share of the asked speed, the header says what the machine actually achieves. */
const SLOW_SHARE = 0.9;

/** The speed a realtime run actually reaches, when it falls clearly short of the asked one. */
function shortfall(status: RunStatus): number | undefined {
  const { speed, achievedSpeed } = status;
  if (typeof speed !== 'number' || achievedSpeed === undefined || achievedSpeed >= SLOW_SHARE * speed) return undefined;
  return achievedSpeed;
}

/** Two lines: what is running (scenario, seed, clock, pace) and where to connect to it (the broker, its security profile). */
export function Header({ scenario, seed, status, paused, started, brokerUrl, security, width }: HeaderProps) {
  const theme = useTheme();
  const phase = phaseLabel(status, paused, started);
  const reached = shortfall(status);
  const phaseRole = phase === 'running' ? 'running' : phase === 'finished' ? 'muted' : 'paused';
  const icon = phase === 'running' ? '▶' : phase === 'finished' ? '■' : '⏸';
  const clock = formatSimTime(status.simMs);
  const duration = ` / ${formatSimTime(status.durationMs)}`;
  const speed = speedLabel(status.speed);
  const pace = reached === undefined ? '' : ` running at ${achievedLabel(reached)}`;
  // State, clock, speed and pace are what the line is for: on a narrow terminal the scenario name gives way.
  const tail = `  ${icon} ${phase}  ${clock}${duration}  ${speed}${pace}`;
  const seedText = ` seed ${seed}`;
  const room = Math.max(4, width - ' medtwin '.length - 1 - seedText.length - tail.length);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold inverse>
          {' medtwin '}
        </Text>
        <Text bold> {fit(scenario, room)}</Text>
        <Text color={theme.color('muted')}> seed </Text>
        <Text>{seed}</Text>
        <Text>{'  '}</Text>
        <Text color={theme.color(phaseRole)} bold>
          {icon} {phase}
        </Text>
        <Text>{'  '}</Text>
        <Text bold>{clock}</Text>
        <Text color={theme.color('muted')}>{duration}</Text>
        <Text>{'  '}</Text>
        <Text color={theme.color('accent')}>{speed}</Text>
        {pace !== '' && <Text color={theme.color('warning')}>{pace}</Text>}
      </Text>
      <Text wrap="truncate" color={theme.color('muted')}>
        broker {brokerUrl ?? '(starting…)'} · security {security ?? 'open'} · {status.messages} msgs · {status.delivered} delivered ·{' '}
        {status.events} events · ? for help
      </Text>
    </Box>
  );
}
