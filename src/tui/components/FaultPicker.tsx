import { Box, Text } from 'ink';
import { fit } from '../format.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import type { FaultInfo, TuiAgent } from '../run-like.ts';
import { useTheme } from '../theme.tsx';

export interface FaultChoice {
  fault: FaultInfo;
  /** Why the fault cannot apply to the selected device, if it cannot. */
  reason: string | undefined;
}

/** Registered faults, those that apply to the device first; each with why not when it does not. */
export function faultChoices(faults: readonly FaultInfo[], agent: TuiAgent | undefined): FaultChoice[] {
  const choices = faults.map((fault) => {
    let reason: string | undefined;
    try {
      reason = agent ? fault.incompatibility(agent) : undefined;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    return { fault, reason };
  });
  return [...choices.filter((c) => c.reason === undefined), ...choices.filter((c) => c.reason !== undefined)];
}

export interface FaultPickerProps {
  choices: readonly FaultChoice[];
  width: number;
  height: number;
  onPick(choice: FaultChoice): void;
  onCancel(): void;
}

function narrow(choices: readonly FaultChoice[], query: string): readonly FaultChoice[] {
  return choices.filter((c) => c.fault.name.includes(query) || c.fault.category.includes(query));
}

/** Step one of the inject menu: ↑/↓ to choose, type to narrow the list, Enter to pick, Esc to close. */
export function FaultPicker({ choices, width, height, onPick, onCancel }: FaultPickerProps) {
  const theme = useTheme();
  const [state, get, set] = useLiveState(() => ({ query: '', index: 0 }));
  useKeys(
    (input, key) => {
      const { query, index } = get();
      const shown = narrow(choices, query);
      const current = Math.min(index, Math.max(0, shown.length - 1));
      if (key.escape) onCancel();
      else if (key.upArrow) set({ query, index: Math.max(0, current - 1) });
      else if (key.downArrow) set({ query, index: Math.min(shown.length - 1, current + 1) });
      else if (key.return) {
        if (shown[current]) onPick(shown[current]);
      } else if (key.backspace || key.delete) set({ query: query.slice(0, -1), index: 0 });
      else if (input && !key.ctrl && !key.meta && /^[\w.-]+$/.test(input)) set({ query: query + input, index: 0 });
    },
    { layer: 1 },
  );
  const shown = narrow(choices, state.query);
  const current = Math.min(state.index, Math.max(0, shown.length - 1));
  const rows = Math.max(1, height - 2);
  const start = Math.min(Math.max(0, current - Math.floor(rows / 2)), Math.max(0, shown.length - rows));
  const nameWidth = Math.min(28, Math.max(12, ...shown.map((c) => c.fault.name.length)) + 1);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text color={theme.color('muted')}>type to narrow: </Text>
        <Text bold>{state.query || '…'}</Text>
        <Text color={theme.color('muted')}> · {shown.length} faults · ↑↓ choose · enter pick · esc close</Text>
      </Text>
      {shown.length === 0 ? <Text color={theme.color('muted')}>no fault matches "{state.query}"</Text> : null}
      {shown.slice(start, start + rows).map((c, i) => {
        const selected = start + i === current;
        const detail = c.reason ? `cannot apply: ${c.reason}` : c.fault.summary;
        return (
          <Text key={c.fault.name} wrap="truncate" inverse={selected} color={c.reason ? theme.color('muted') : undefined}>
            {selected ? '›' : ' '} {c.fault.name.padEnd(nameWidth)}
            <Text color={theme.color(c.reason ? 'muted' : 'accent')}>{c.fault.category.padEnd(8)}</Text>
            {fit(detail, Math.max(0, width - nameWidth - 12))}
          </Text>
        );
      })}
    </Box>
  );
}
