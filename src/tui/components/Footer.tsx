import { Text } from 'ink';
import { useKeys } from '../hooks/use-keys.tsx';
import type { Notice, Screen } from '../state/ui-state.ts';
import { useTheme } from '../theme.tsx';

const HINTS: Record<Screen, string> = {
  overview:
    'space run/pause · s step · 1-4 speed · ↑↓←→ select · enter open · i inject · c command · x faults · t traffic · l log · w save · / search · f filter · ? help · q quit',
  detail:
    'esc back · ←→ signal · ↑↓ device · i inject · c command · x faults · a ack · m silence · t traffic · l log · w save · space run/pause · s step · ? help · q quit',
  traffic: 'esc back · / topic filter · ↑↓ device · c command · x faults · space run/pause · s step · 1-4 speed · ? help · q quit',
  log: 'esc back · ↑↓ pgup pgdn move · / find · enter inspect · f filter · space run/pause · s step · ? help · q quit',
};

/** The bottom line: the latest notice, else the keys of this screen. */
export function Footer({ screen, notice, width }: { screen: Screen; notice: Notice | undefined; width: number }) {
  const theme = useTheme();
  if (notice) {
    return (
      <Text wrap="truncate" color={theme.color(notice.tone === 'error' ? 'fail' : 'accent')}>
        {notice.text.slice(0, width)}
      </Text>
    );
  }
  return (
    <Text wrap="truncate" color={theme.color('muted')}>
      {HINTS[screen]}
    </Text>
  );
}

/**
 * A line of typed input in the footer: `/` to search the fleet (it narrows as you type), the traffic
 * view's topic filter, the event log's search. Enter keeps it, esc cancels.
 */
export function SearchLine({
  query,
  hint = 'search id, kind or zone · enter keep · esc clear',
  onChange,
  onDone,
  onCancel,
}: {
  query: string;
  hint?: string;
  onChange(change: (query: string) => string): void;
  onDone(): void;
  onCancel(): void;
}) {
  const theme = useTheme();
  useKeys(
    (input, key) => {
      if (key.escape) onCancel();
      else if (key.return) onDone();
      else if (key.backspace || key.delete) onChange((q) => q.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow) onChange((q) => q + input);
    },
    { layer: 1 },
  );
  return (
    <Text wrap="truncate">
      <Text bold color={theme.color('accent')}>
        /
      </Text>
      {query}
      <Text inverse> </Text>
      <Text color={theme.color('muted')}> {hint}</Text>
    </Text>
  );
}
