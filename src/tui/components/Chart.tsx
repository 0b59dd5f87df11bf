import { Box, Text } from 'ink';
import { formatDuration, formatSimTime } from '../../core/duration.ts';
import { formatValue } from '../format.ts';
import { chartGrid, type ChartCell } from '../state/chart-grid.ts';
import type { SeriesPoint } from '../state/series.ts';
import { useTheme, type Role } from '../theme.tsx';

export interface ChartLimit {
  value: number;
  /** The alarm codes that fired at this limit. */
  label: string;
}

export interface ChartProps {
  points: readonly SeriesPoint[];
  label: string;
  unit: string;
  /** Alarm limits drawn across the chart as ┄ lines. */
  limits?: readonly ChartLimit[];
  width: number;
  height: number;
}

const GLYPH: Record<ChartCell, string> = { empty: ' ', truth: '·', measured: '•', both: '◉', limit: '┄' };
const ROLE: Record<ChartCell, Role | undefined> = {
  empty: undefined,
  truth: 'truth',
  measured: 'measured',
  both: 'measured',
  limit: 'fail',
};

/**
 * Measured (•) against true (·) values over the recent past, ◉ where they coincide, × under a column
 * where the device reported nothing, ┄ at the alarm limits the device alarmed at. The value axis is
 * labelled in the signal's unit (top, middle, bottom and each limit); the time axis below in simulated
 * time (start, middle, end).
 */
export function Chart({ points, label, unit, limits = [], width, height }: ChartProps) {
  const theme = useTheme();
  const axis = Math.max(7, unit.length + 5);
  const grid = chartGrid(
    points,
    Math.max(2, width - axis - 1),
    Math.max(2, height - 3),
    limits.map((l) => l.value),
  );
  if (!grid) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={theme.color('muted')}>{label}: no readings yet</Text>
      </Box>
    );
  }
  const span = formatDuration(grid.to - grid.from) || '0s';
  const last = points[points.length - 1]!;
  const tickOf = (r: number): number | undefined => {
    const limit = grid.limitRows.find((l) => l.row === r);
    if (limit) return limit.value;
    if (r === 0) return grid.max;
    if (r === grid.rows.length - 1) return grid.min;
    if (r === Math.floor((grid.rows.length - 1) / 2) && grid.rows.length >= 5)
      return grid.max - ((grid.max - grid.min) * r) / (grid.rows.length - 1);
    return undefined;
  };
  const plotWidth = grid.rows[0]!.length;
  const limitText = limits.length > 0 ? ` · ┄ ${limits.map((l) => `${l.label} ${formatValue(l.value)}`).join(', ')}` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{label}</Text>
        <Text color={theme.color('muted')}>
          {' '}
          in {unit || 'units'} · last {span} ·{' '}
        </Text>
        <Text color={theme.color('measured')}>• measured {formatValue(last.measured)}</Text>
        <Text color={theme.color('truth')}> · true {formatValue(last.truth)}</Text>
        <Text color={theme.color('fail')}>{limitText}</Text>
      </Text>
      {grid.rows.map((row, r) => {
        const tick = tickOf(r);
        const text = tick === undefined ? '' : `${formatValue(Math.round(tick * 10) / 10)}${unit ? ` ${unit}` : ''}`;
        return (
          <Text key={r} wrap="truncate">
            <Text color={theme.color('muted')}>{text.padStart(axis - 1).slice(-(axis - 1))}│</Text>
            {segments(row).map((s, i) => (
              <Text key={i} color={s.role ? theme.color(s.role) : undefined}>
                {s.text}
              </Text>
            ))}
          </Text>
        );
      })}
      <Text wrap="truncate">
        <Text color={theme.color('muted')}>{' '.repeat(axis - 1)}└</Text>
        <Text color={theme.color('fail')}>{grid.missing.map((m) => (m ? '×' : '─')).join('')}</Text>
      </Text>
      <Text wrap="truncate" color={theme.color('muted')}>
        {' '.repeat(axis)}
        {timeAxis(grid.from, grid.to, plotWidth)}
      </Text>
    </Box>
  );
}

/** Start, middle and end of the plotted time as simulated clock times, spread over `width` columns. */
function timeAxis(from: number, to: number, width: number): string {
  const start = formatSimTime(from);
  const end = formatSimTime(to);
  if (width < start.length + end.length + 2)
    return start.padEnd(Math.max(0, width - end.length)).slice(0, Math.max(0, width - end.length)) + end;
  const middle = formatSimTime(Math.round((from + to) / 2));
  const room = width - start.length - end.length;
  if (room < middle.length + 4) return `${start}${' '.repeat(room)}${end}`;
  const left = Math.floor((room - middle.length) / 2);
  return `${start}${' '.repeat(left)}${middle}${' '.repeat(room - middle.length - left)}${end}`;
}

function segments(row: ChartCell[]): { text: string; role: Role | undefined }[] {
  const out: { text: string; role: Role | undefined; cell: ChartCell }[] = [];
  for (const c of row) {
    const last = out[out.length - 1];
    if (last && last.cell === c) last.text += GLYPH[c];
    else out.push({ text: GLYPH[c], role: ROLE[c], cell: c });
  }
  return out;
}
