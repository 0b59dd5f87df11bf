import { Text } from 'ink';
import type { ExpectationResult } from '../../runtime/result.ts';
import { fit } from '../format.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface ExpectationsPanelProps {
  /** Undefined when the run cannot judge expectations while it runs. */
  expectations: readonly ExpectationResult[] | undefined;
  error: string | undefined;
  width: number;
  height: number;
}

/** The scenario's expectations with their verdict so far (✓ passing, ✗ failing). */
export function ExpectationsPanel({ expectations, error, width, height }: ExpectationsPanelProps) {
  const theme = useTheme();
  const rows = Math.max(0, height - 1);
  const passed = expectations?.filter((e) => e.passed).length ?? 0;
  const right = expectations && expectations.length > 0 ? `${passed}/${expectations.length} passing so far` : undefined;
  let body;
  if (error !== undefined) body = <Text color={theme.color('fail')}>{fit(`cannot judge yet: ${error}`, width)}</Text>;
  else if (expectations === undefined)
    body = <Text color={theme.color('muted')}>live verdicts are not available for this run; they appear in the report</Text>;
  else if (expectations.length === 0) body = <Text color={theme.color('muted')}>this scenario has no expectations</Text>;
  else {
    // Failing ones first: they are what someone watching wants to see.
    const sorted = [...expectations].sort((a, b) => Number(a.passed) - Number(b.passed));
    const shown = sorted.slice(0, rows);
    const hidden = sorted.length - shown.length;
    body = shown.map((e, i) => {
      const last = i === shown.length - 1 && hidden > 0;
      const measured = e.measured === null ? '—' : String(e.measured);
      return (
        <Text key={e.name} wrap="truncate">
          <Text color={theme.color(e.passed ? 'ok' : 'fail')} bold>
            {e.passed ? '✓' : '✗'}
          </Text>
          <Text> {e.name} </Text>
          <Text color={theme.color('muted')}>
            {measured} ({e.threshold}){last ? ` · +${hidden} more` : ''}
          </Text>
        </Text>
      );
    });
  }
  return (
    <Panel title="Expectations" right={right} width={width} height={height}>
      {body}
    </Panel>
  );
}
