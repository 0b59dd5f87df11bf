import { Box, Text } from 'ink';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import { NO_FILTER, SEVERITIES, type FeedFilter } from '../state/feed.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface FeedFilterBarProps {
  filter: FeedFilter;
  zones: readonly string[];
  width: number;
  onApply(filter: FeedFilter): void;
  onCancel(): void;
}

const ROWS = ['severity', 'zone', 'device'] as const;

/** `f`: minimum severity and zone (←/→), device (type part of an id); enter applies, `c` clears all. */
export function FeedFilterBar({ filter, zones, width, onApply, onCancel }: FeedFilterBarProps) {
  const theme = useTheme();
  const [state, get, set] = useLiveState(() => ({ draft: filter, focus: 0 }));
  const zoneOptions: (string | undefined)[] = [undefined, ...zones];
  useKeys(
    (input, key) => {
      const row = ROWS[get().focus]!;
      const setDraft = (change: (f: FeedFilter) => FeedFilter) => set((s) => ({ ...s, draft: change(s.draft) }));
      const setFocus = (change: (f: number) => number) => set((s) => ({ ...s, focus: change(s.focus) }));
      if (key.escape) onCancel();
      else if (key.return) onApply(get().draft);
      else if (key.upArrow) setFocus((f) => Math.max(0, f - 1));
      else if (key.downArrow || key.tab) setFocus((f) => Math.min(ROWS.length - 1, f + 1));
      else if (key.leftArrow || key.rightArrow) {
        const d = key.leftArrow ? -1 : 1;
        const step = <T,>(options: readonly T[], current: T) => options[(options.indexOf(current) + d + options.length) % options.length]!;
        if (row === 'severity') setDraft((f) => ({ ...f, minSeverity: step(SEVERITIES, f.minSeverity) }));
        else if (row === 'zone') setDraft((f) => ({ ...f, zone: step(zoneOptions, f.zone) }));
      } else if (row === 'device' && (key.backspace || key.delete)) setDraft((f) => ({ ...f, device: f.device.slice(0, -1) }));
      else if (row === 'device' && input && !key.ctrl && !key.meta) setDraft((f) => ({ ...f, device: f.device + input }));
      else if (input === 'c') setDraft(() => NO_FILTER);
    },
    { layer: 1 },
  );
  const { draft } = state;
  const row = ROWS[state.focus]!;
  const line = (name: (typeof ROWS)[number], value: string, hint: string) => (
    <Text key={name} wrap="truncate">
      <Text inverse={row === name}>
        {row === name ? '›' : ' '} {name.padEnd(9)}
      </Text>
      <Text bold> {value}</Text>
      <Text color={theme.color('muted')}> {hint}</Text>
    </Text>
  );
  return (
    <Panel title="Filter the event feed" right="↑↓ field · ←→ change · enter apply · c clear · esc cancel" width={width} height={4}>
      <Box flexDirection="column">
        {line('severity', draft.minSeverity === 'info' ? 'everything' : `${draft.minSeverity} and above`, `(${SEVERITIES.join(' < ')})`)}
        {line('zone', draft.zone ?? 'all zones', zones.length > 0 ? `(${zones.join(', ')})` : '')}
        {line('device', draft.device === '' ? 'all devices' : `*${draft.device}*`, 'type part of a device id')}
      </Box>
    </Panel>
  );
}
