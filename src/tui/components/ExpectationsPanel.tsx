import { Text } from 'ink';
import type { ExpectationResult } from '../../scenario/result.ts';
import { fit } from '../format.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface ExpectationsPanelProps {
  /** Undefined when the run cannot judge expectations while it runs. */
  expectations: readonly ExpectationResult[] | undefined;
  error: string | undefined;
  /** The run has finished: nothing is pending any more. */
  finished?: boolean;
  width: number;
  height: number;
}

export type LiveVerdict = 'pass' | 'fail' | 'pending';

/**
 * A verdict as the panel shows it. Live, an expectation that has nothing to judge yet (its fault is
 * still to come, no reading measured yet, a detection window still open) is pending, not failing.
 */
export function liveVerdict(e: ExpectationResult, finished: boolean): LiveVerdict {
  if (e.passed) return 'pass';
  if (!finished && (e.pending === true || e.measured === null)) return 'pending';
  return 'fail';
}

const MARK: Record<LiveVerdict, string> = { pass: '✓', fail: '✗', pending: '◌' };
const ROLE = { pass: 'ok', fail: 'fail', pending: 'muted' } as const;
const ORDER: Record<LiveVerdict, number> = { fail: 0, pending: 1, pass: 2 };

/** The scenario's expectations with their verdict so far (✓ passing, ✗ failing, ◌ cannot be judged yet). */
export function ExpectationsPanel({ expectations, error, finished = false, width, height }: ExpectationsPanelProps) {
  const theme = useTheme();
  const rows = Math.max(0, height - 1);
  const verdicts = (expectations ?? []).map((e) => ({ e, v: liveVerdict(e, finished) }));
  const passed = verdicts.filter((x) => x.v === 'pass').length;
  const pending = verdicts.filter((x) => x.v === 'pending').length;
  const right =
    expectations && expectations.length > 0
      ? `${passed}/${expectations.length} passing${finished ? '' : ' so far'}${pending > 0 ? ` · ${pending} pending` : ''}`
      : undefined;
  let body;
  if (error !== undefined) body = <Text color={theme.color('fail')}>{fit(`cannot judge yet: ${error}`, width)}</Text>;
  else if (expectations === undefined)
    body = <Text color={theme.color('muted')}>live verdicts are not available for this run; they appear in the report</Text>;
  else if (expectations.length === 0) body = <Text color={theme.color('muted')}>this scenario has no expectations</Text>;
  else {
    // Failing ones first: they are what someone watching wants to see; then what is still open.
    const sorted = [...verdicts].sort((a, b) => ORDER[a.v] - ORDER[b.v]);
    const shown = sorted.slice(0, rows);
    const hidden = sorted.length - shown.length;
    body = shown.map(({ e, v }, i) => {
      const last = i === shown.length - 1 && hidden > 0;
      const measured = e.measured === null ? '—' : String(e.measured);
      return (
        <Text key={e.name} wrap="truncate">
          <Text color={theme.color(ROLE[v])} bold>
            {MARK[v]}
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
