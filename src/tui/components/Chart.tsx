import { Box, Text } from 'ink';
import { formatDuration } from '../../core/duration.ts';
import { formatValue } from '../format.ts';
import { chartGrid, type ChartCell } from '../state/chart-grid.ts';
import type { SeriesPoint } from '../state/series.ts';
import { useTheme, type Role } from '../theme.tsx';

export interface ChartProps {
  points: readonly SeriesPoint[];
  label: string;
  unit: string;
  width: number;
  height: number;
}

const GLYPH: Record<ChartCell, string> = { empty: ' ', truth: '·', measured: '•', both: '◉' };
const ROLE: Record<ChartCell, Role | undefined> = { empty: undefined, truth: 'truth', measured: 'measured', both: 'measured' };

/**
 * Measured (•) against true (·) values over the recent past, ◉ where they coincide, × under a column
 * where the device reported nothing. The first line is the legend; the y axis shows the range.
 */
export function Chart({ points, label, unit, width, height }: ChartProps) {
  const theme = useTheme();
  const axis = 7;
  const grid = chartGrid(points, Math.max(2, width - axis - 1), Math.max(2, height - 2));
  if (!grid) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={theme.color('muted')}>{label}: no readings yet</Text>
      </Box>
    );
  }
  const span = formatDuration(grid.to - grid.from);
  const last = points[points.length - 1]!;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{label}</Text>
        <Text color={theme.color('muted')}>
          {' '}
          {unit} · last {span} ·{' '}
        </Text>
        <Text color={theme.color('measured')}>• measured {formatValue(last.measured)}</Text>
        <Text color={theme.color('truth')}> · true {formatValue(last.truth)}</Text>
      </Text>
      {grid.rows.map((row, r) => {
        const tick = r === 0 ? grid.max : r === grid.rows.length - 1 ? grid.min : undefined;
        return (
          <Text key={r} wrap="truncate">
            <Text color={theme.color('muted')}>
              {(tick === undefined ? '' : formatValue(Math.round(tick * 10) / 10)).padStart(axis - 1)}│
            </Text>
            {segments(row).map((s, i) => (
              <Text key={i} color={s.role ? theme.color(s.role) : undefined}>
                {s.text}
              </Text>
            ))}
          </Text>
        );
      })}
      <Text wrap="truncate" color={theme.color('fail')}>
        {' '.repeat(axis)}
        {grid.missing.map((m) => (m ? '×' : ' ')).join('')}
      </Text>
    </Box>
  );
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
