import { Box, Text } from 'ink';
import { fit } from '../format.ts';
import { usePickList } from '../hooks/use-pick-list.ts';
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

/** Step one of the inject menu: ↑/↓ to choose, type to narrow the list, Enter to pick, Esc to close. */
export function FaultPicker({ choices, width, height, onPick, onCancel }: FaultPickerProps) {
  const theme = useTheme();
  const { query, shown, current } = usePickList(
    choices,
    (c, q) => c.fault.name.includes(q) || c.fault.category.includes(q),
    onPick,
    onCancel,
  );
  const rows = Math.max(1, height - 2);
  const start = Math.min(Math.max(0, current - Math.floor(rows / 2)), Math.max(0, shown.length - rows));
  const nameWidth = Math.min(28, Math.max(12, ...shown.map((c) => c.fault.name.length)) + 1);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text color={theme.color('muted')}>type to narrow: </Text>
        <Text bold>{query || '…'}</Text>
        <Text color={theme.color('muted')}> · {shown.length} faults · ↑↓ choose · enter pick · esc close</Text>
      </Text>
      {shown.length === 0 ? <Text color={theme.color('muted')}>no fault matches "{query}"</Text> : null}
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
