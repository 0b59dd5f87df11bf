import { Box, Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import type { InjectionRecord } from '../../scenario/result.ts';
import { fit } from '../format.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import { compact } from '../state/feed.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface FaultsMenuProps {
  deviceId: string | undefined;
  /** The injections active on the device now (from the run's timeline). */
  active: readonly InjectionRecord[];
  width: number;
  height: number;
  onEnd(injection: InjectionRecord): void;
  onCancel(): void;
}

/** `x`: the faults acting on the selected device now; enter ends the chosen one at once ("end now"). */
export function FaultsMenu({ deviceId, active, width, height, onEnd, onCancel }: FaultsMenuProps) {
  const theme = useTheme();
  const [state, get, set] = useLiveState(() => ({ index: 0 }));
  useKeys(
    (_input, key) => {
      const index = Math.min(get().index, Math.max(0, active.length - 1));
      if (key.escape) onCancel();
      else if (key.upArrow) set({ index: Math.max(0, index - 1) });
      else if (key.downArrow) set({ index: Math.min(active.length - 1, index + 1) });
      else if (key.return && active[index]) onEnd(active[index]);
    },
    { layer: 1 },
  );
  const index = Math.min(state.index, Math.max(0, active.length - 1));
  return (
    <Panel title={`Faults on ${deviceId ?? 'no device'}`} right="↑↓ choose · enter end now · esc close" width={width} height={height}>
      {active.length === 0 ? <Text color={theme.color('muted')}>no fault is active on this device</Text> : null}
      <Box flexDirection="column">
        {active.slice(0, Math.max(1, height - 1)).map((f, i) => {
          const until = f.until === null ? 'the end' : formatSimTime(f.until);
          const params = Object.keys(f.params).length > 0 ? ` ${compact(f.params, 40)}` : '';
          return (
            <Text key={`${f.id}-${f.device}`} wrap="truncate" inverse={i === index}>
              {i === index ? '›' : ' '} {f.fault}
              <Text color={theme.color('muted')}>
                {fit(` (${f.id}) since ${formatSimTime(f.at)} until ${until}${params}`, Math.max(0, width - f.fault.length - 3))}
              </Text>
            </Text>
          );
        })}
      </Box>
    </Panel>
  );
}
