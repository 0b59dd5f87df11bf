import { linkLabel } from '../state/link-state.ts';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { formatSimTime } from '../../core/duration.ts';
import { fit, formatValue } from '../format.ts';
import type { ShadowView, TuiAgent } from '../run-like.ts';
import { CONDITION_GLYPH, CONDITION_LABEL, deviceCondition } from '../state/condition.ts';
import { compact } from '../state/feed.ts';
import type { DeviceView } from '../state/fleet-model.ts';
import { chartUnit } from '../state/series.ts';
import { useTheme } from '../theme.tsx';
import { Chart } from './Chart.tsx';

export interface DeviceDetailProps {
  view: DeviceView;
  agent: TuiAgent | undefined;
  shadow: ShadowView | undefined;
  chartSignal: string | undefined;
  width: number;
  height: number;
}

/**
 * One device: machine state, last telemetry, alarms, twin shadow and injected faults on the left (or
 * on top, on a narrow terminal), and a chart of a measured signal against the truth.
 */
export function DeviceDetail({ view, agent, shadow, chartSignal, width, height }: DeviceDetailProps) {
  const theme = useTheme();
  const condition = deviceCondition(view);
  const signals = view.series.signals;
  const signal = chartSignal !== undefined && signals.includes(chartSignal) ? chartSignal : signals[0];
  const side = width >= 110;
  const infoWidth = side ? Math.min(56, Math.floor(width * 0.45)) : width;
  const infoLines = side ? height - 1 : Math.min(9, Math.max(4, height - 8));
  const chartWidth = side ? width - infoWidth - 1 : width;
  const chartHeight = side ? height - 1 : height - 1 - infoLines;
  const info = <Info view={view} agent={agent} shadow={shadow} width={infoWidth} height={infoLines} />;
  const chart =
    signal === undefined ? (
      <Text color={theme.color('muted')}>no chartable readings yet</Text>
    ) : (
      <Chart
        points={view.series.points(signal)}
        label={signals.length > 1 ? `${signal} (←/→ ${signals.length} signals)` : signal}
        unit={chartUnit(signal)}
        limits={[...(view.limits.get(signal) ?? new Map<number, Set<string>>())].map(([value, codes]) => ({
          value,
          label: [...codes].join(','),
        }))}
        width={chartWidth}
        height={chartHeight}
      />
    );
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold color={theme.color(condition)}>
          {CONDITION_GLYPH[condition]} {view.id}
        </Text>
        <Text color={theme.color('muted')}>
          {' '}
          {agent?.descriptor.title ?? view.kind} · zone {view.zone} ·{' '}
        </Text>
        <Text>state </Text>
        <Text bold>{agent?.stateLabel ?? view.state}</Text>
        <Text color={theme.color(condition)}> · {CONDITION_LABEL[condition]}</Text>
        <Text color={theme.color('muted')}> · esc back · c command · x faults · i inject · t traffic</Text>
      </Text>
      {side ? (
        <Box flexDirection="row" height={height - 1}>
          {info}
          <Box width={1} />
          {chart}
        </Box>
      ) : (
        <>
          {info}
          <Box height={chartHeight} overflow="hidden">
            {chart}
          </Box>
        </>
      )}
    </Box>
  );
}

function Info({
  view,
  agent,
  shadow,
  width,
  height,
}: {
  view: DeviceView;
  agent: TuiAgent | undefined;
  shadow: ShadowView | undefined;
  width: number;
  height: number;
}) {
  const theme = useTheme();
  const lines: { key: string; node: ReactNode }[] = [];
  const label = (text: string) => <Text color={theme.color('muted')}>{text.padEnd(10)}</Text>;
  const telemetry = Object.entries(view.lastTelemetry ?? {})
    .filter(([k]) => k !== 'alarms' && k !== 'state')
    .map(([k, v]) => `${k} ${v !== null && typeof v === 'object' && !Array.isArray(v) ? compact(v, 40) : formatValue(v)}`);
  const at = view.lastTelemetryT === undefined ? '' : ` @${formatSimTime(view.lastTelemetryT)}`;
  // Telemetry takes whatever rows the rest leaves (it is placed first once the rest is known).
  const telemetryLines: { key: string; node: ReactNode }[] = [];
  for (const [i, chunk] of wrapParts(telemetry.length > 0 ? telemetry : ['none yet'], width - 10).entries()) {
    telemetryLines.push({
      key: `tel-${i}`,
      node: (
        <Text wrap="truncate">
          {label(i === 0 ? 'telemetry' : '')}
          {chunk}
          {i === 0 ? <Text color={theme.color('muted')}>{at}</Text> : null}
        </Text>
      ),
    });
  }
  if (agent) {
    const live = agent.measures.map((s) => `${s} ${formatValue(agent.lastMeasured[s])} (true ${formatValue(agent.lastTruth[s])})`);
    if (live.length > 0)
      lines.push({
        key: 'live',
        node: (
          <Text wrap="truncate">
            {label('sensor')}
            {live.join(' · ')}
          </Text>
        ),
      });
  }
  const alarms = alarmLines(view, agent);
  if (alarms.length === 0)
    lines.push({
      key: 'alarms',
      node: (
        <Text wrap="truncate">
          {label('alarms')}
          <Text color={theme.color('ok')}>none</Text>
        </Text>
      ),
    });
  alarms.forEach((a, i) =>
    lines.push({
      key: `alarm-${a.code}`,
      node: (
        <Text wrap="truncate">
          {label(i === 0 ? 'alarms' : '')}
          <Text color={theme.color(a.priority)} bold>
            {a.priority === 'high' ? '!' : a.priority === 'medium' ? '~' : '-'} {a.code}
          </Text>
          <Text color={theme.color('muted')}> {a.note}</Text>
        </Text>
      ),
    }),
  );
  const faults = [...view.faults.values()];
  lines.push({
    key: 'faults',
    node: (
      <Text wrap="truncate" color={faults.length > 0 ? theme.color('warning') : undefined}>
        {label('faults')}
        {faults.length === 0
          ? 'none active'
          : `${faults.map((f) => `${f.fault} since ${formatSimTime(f.at)}`).join(' · ')}${deviceCondition(view) === 'faulted' ? ' — not yet detected' : ''} · x ends`}
      </Text>
    ),
  });
  if (shadow) {
    const flags = [shadow.online ? 'online' : 'offline', shadow.stale ? 'STALE' : 'fresh', shadow.diverged ? 'DIVERGED' : 'in sync'].join(
      ' · ',
    );
    lines.push({
      key: 'link',
      node: (
        <Text wrap="truncate" color={view.link === 'online' || view.link === 'connecting' ? undefined : theme.color('warning')}>
          {label('link')}
          {linkLabel(view.link, view.buffered)}
        </Text>
      ),
    });
    const seen = shadow.lastSeen === undefined ? 'never' : formatSimTime(shadow.lastSeen);
    lines.push({
      key: 'twin',
      node: (
        <Text wrap="truncate">
          {label('twin')}
          {flags} · v{shadow.version} · seen {seen} · {shadow.missingTelemetry} lost
        </Text>
      ),
    });
    if (shadow.implausible && shadow.implausible.size > 0) {
      lines.push({
        key: 'implausible',
        node: (
          <Text wrap="truncate" color={theme.color('warning')}>
            {label('checks')}implausible {[...shadow.implausible].join(' · ')}
          </Text>
        ),
      });
    }
    const desiredKeys = Object.keys(shadow.desired);
    const reported = Object.fromEntries(desiredKeys.map((k) => [k, shadow.reported[k]]));
    lines.push({
      key: 'desired',
      node: (
        <Text wrap="truncate">
          {label('desired')}
          {desiredKeys.length === 0 ? 'nothing commanded' : compact(shadow.desired, width)}
        </Text>
      ),
    });
    if (desiredKeys.length > 0)
      lines.push({
        key: 'reported',
        node: (
          <Text wrap="truncate">
            {label('reported')}
            {compact(reported, width)}
          </Text>
        ),
      });
    const delta = Object.keys(shadow.delta).length;
    lines.push({
      key: 'delta',
      node: (
        <Text wrap="truncate" color={delta > 0 ? theme.color('diverged') : undefined}>
          {label('delta')}
          {delta === 0 ? 'none' : compact(shadow.delta, width)}
        </Text>
      ),
    });
  }
  const shown = [...telemetryLines.slice(0, Math.max(1, height - lines.length)), ...lines];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.slice(0, height).map((l) => (
        <Box key={l.key} width={width}>
          {l.node}
        </Box>
      ))}
    </Box>
  );
}

/**
 * The device's own alarms (the truth, from its machine) merged with what it announced (the events):
 * an alarm the device has but never announced is what an alarm-suppression attack looks like.
 */
function alarmLines(view: DeviceView, agent: TuiAgent | undefined): { code: string; priority: 'high' | 'medium' | 'low'; note: string }[] {
  const out = new Map<string, { code: string; priority: 'high' | 'medium' | 'low'; note: string }>();
  for (const a of view.alarms.values()) {
    out.set(a.code, {
      code: a.code,
      priority: a.priority,
      note: `${a.status}${a.suppressed ? ', NOT ANNOUNCED' : ''} since ${formatSimTime(a.since)} — ${a.message}`,
    });
  }
  for (const a of agent?.activeAlarms ?? []) {
    if (!out.has(a.code)) out.set(a.code, { code: a.code, priority: a.priority, note: `on the device, not yet announced — ${a.message}` });
  }
  const rank = { high: 0, medium: 1, low: 2 };
  return [...out.values()].sort((x, y) => rank[x.priority] - rank[y.priority]);
}

/** Joins parts with two spaces into lines no wider than `width`. */
function wrapParts(parts: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const next = line === '' ? part : `${line}  ${part}`;
    if (next.length > width && line !== '') {
      lines.push(line);
      line = fit(part, width);
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}
