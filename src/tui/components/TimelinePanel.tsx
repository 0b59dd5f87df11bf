import { Text } from 'ink';
import { formatSimTime } from '../../core/duration.ts';
import { fit } from '../format.ts';
import type { InjectionView } from '../state/fleet-model.ts';
import { timeColumn, type PlannedInjection } from '../state/timeline.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface TimelinePanelProps {
  simMs: number;
  durationMs: number;
  planned: readonly PlannedInjection[];
  injections: readonly InjectionView[];
  width: number;
  height: number;
}

/**
 * Simulated time as a progress bar with the scenario's injections on it (◆ done, ◇ to come), then the
 * latest injections and the next ones due.
 */
export function TimelinePanel({ simMs, durationMs, planned, injections, width, height }: TimelinePanelProps) {
  const theme = useTheme();
  const barWidth = Math.max(4, width - 1);
  const done = timeColumn(simMs, durationMs, barWidth);
  const upcoming = planned.filter((p) => p.at === undefined || p.at > simMs);
  const marks = new Map<number, 'past' | 'next'>();
  for (const p of upcoming) if (p.at !== undefined) marks.set(timeColumn(p.at, durationMs, barWidth), 'next');
  for (const i of injections) marks.set(timeColumn(i.at, durationMs, barWidth), 'past');
  const cells: { text: string; role: 'running' | 'muted' | 'warning' | 'accent' }[] = [];
  for (let c = 0; c < barWidth; c++) {
    const mark = marks.get(c);
    if (mark === 'past') cells.push({ text: '◆', role: 'warning' });
    else if (mark === 'next') cells.push({ text: '◇', role: 'accent' });
    else cells.push(c < done || simMs >= durationMs ? { text: '█', role: 'running' } : { text: '░', role: 'muted' });
  }
  const pct = durationMs > 0 ? Math.floor((Math.min(simMs, durationMs) / durationMs) * 100) : 0;
  const past = injections.slice(-3).reverse();
  const lastText =
    past.length === 0
      ? 'none yet'
      : past.map((i) => `${formatSimTime(i.at)} ${i.fault} on ${i.device}${i.until !== undefined ? ' (reverted)' : ''}`).join(' · ');
  const nextText =
    upcoming.length === 0
      ? 'nothing scheduled'
      : upcoming
          .slice(0, 3)
          .map((p) => `${p.at === undefined ? p.trigger : formatSimTime(p.at)} ${p.fault} → ${p.target}`)
          .join(' · ');
  return (
    <Panel title="Timeline" right={`${pct}% · ${injections.length} injected · ${upcoming.length} to come`} width={width} height={height}>
      <Text wrap="truncate">
        {' '}
        {runs(cells).map((r, i) => (
          <Text key={i} color={theme.color(r.role)}>
            {r.text}
          </Text>
        ))}
      </Text>
      {height > 2 ? (
        <Text wrap="truncate">
          <Text color={theme.color('muted')}> last </Text>
          {fit(lastText, width - 7)}
        </Text>
      ) : null}
      {height > 3 ? (
        <Text wrap="truncate">
          <Text color={theme.color('muted')}> next </Text>
          {fit(nextText, width - 7)}
        </Text>
      ) : null}
    </Panel>
  );
}

/** Merges neighbouring cells of one role into one Text (fewer nodes per frame). */
function runs<R>(cells: { text: string; role: R }[]): { text: string; role: R }[] {
  const out: { text: string; role: R }[] = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last && last.role === c.role) last.text += c.text;
    else out.push({ ...c });
  }
  return out;
}
