import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { cell, fit, telemetrySummary } from '../format.ts';
import { sparkline } from '../state/chart-grid.ts';
import { CONDITION_GLYPH, CONDITION_LABEL, conditionCounts, deviceCondition, kindCounts } from '../state/condition.ts';
import type { DeviceView, FleetModel } from '../state/fleet-model.ts';
import { linkLabel } from '../state/link-state.ts';
import { useTheme } from '../theme.tsx';
import { fleetLinePlan, shortId, type FleetLayout } from './fleet-layout.ts';

export interface FleetOverviewProps {
  model: FleetModel;
  layout: FleetLayout;
  selected: string | undefined;
  width: number;
  height: number;
  search: string;
}

/** Zones × devices, each device coloured (and marked with a glyph) by its worst condition. */
export function FleetOverview({ model, layout, selected, width, height, search }: FleetOverviewProps) {
  const theme = useTheme();
  const visible = layout.groups.flatMap((g) => g.ids.map((id) => model.devices.get(id)!));
  const lines: { key: string; node: ReactNode }[] = [];
  for (const group of layout.groups) {
    const devices = group.ids.map((id) => model.devices.get(id)!);
    const kinds = kindCounts(devices)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ');
    lines.push({
      key: `zone-${group.zone}`,
      node: (
        <Text wrap="truncate">
          <Text bold>{group.zone}</Text>
          <Text color={theme.color('muted')}> {kinds} </Text>
          <Counts devices={devices} />
        </Text>
      ),
    });
    for (let i = 0; i < devices.length; i += layout.perLine) {
      const chunk = devices.slice(i, i + layout.perLine);
      lines.push({
        key: `${group.zone}-${i}`,
        node:
          layout.density === 'rows' ? (
            <DeviceRow device={chunk[0]!} selected={chunk[0]!.id === selected} width={width} idWidth={layout.cellWidth} />
          ) : (
            <Text wrap="truncate">
              {chunk.map((d) => (
                <DeviceCell
                  key={d.id}
                  device={d}
                  selected={d.id === selected}
                  width={layout.cellWidth}
                  compact={layout.density === 'compact'}
                />
              ))}
            </Text>
          ),
      });
    }
  }
  const selectedView = selected === undefined ? undefined : model.devices.get(selected);
  const footer =
    layout.density === 'compact' && selectedView ? (
      <Text wrap="truncate">
        <Text color={theme.color('muted')}>selected </Text>
        <Text bold>{selectedView.id}</Text>
        <Text color={theme.color('muted')}>
          {' '}
          {selectedView.kind} · {selectedView.zone} · {selectedView.state} · {CONDITION_LABEL[deviceCondition(selectedView)]}
        </Text>
      </Text>
    ) : null;
  if (visible.length === 0)
    lines.push({ key: 'none', node: <Text color={theme.color('muted')}>no device matches "{search}" — esc clears the search</Text> });
  // Scroll so the selected device's line stays in view (the same plan a mouse click is resolved against).
  const { start, room } = fleetLinePlan(layout, selectedView ? selected : undefined, height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.slice(start, start + room).map((l) => (
        <Box key={l.key} width={width}>
          {l.node}
        </Box>
      ))}
      {footer}
    </Box>
  );
}

/** The panel title's summary: `40 devices · !1 high alarm · ·39 normal`. */
export function fleetTotals(devices: readonly DeviceView[], search: string): string {
  const counts = conditionCounts(devices).map(([c, n]) => `${CONDITION_GLYPH[c]}${n} ${CONDITION_LABEL[c]}`);
  return [`${devices.length} devices${search ? ` matching "${search}"` : ''}`, ...counts].join(' · ');
}

function Counts({ devices }: { devices: DeviceView[] }) {
  const theme = useTheme();
  return (
    <>
      {conditionCounts(devices).map(([c, n]) => (
        <Text key={c} color={theme.color(c)}>
          {' '}
          {CONDITION_GLYPH[c]}
          {n}
        </Text>
      ))}
    </>
  );
}

function DeviceCell({ device, selected, width, compact }: { device: DeviceView; selected: boolean; width: number; compact: boolean }) {
  const theme = useTheme();
  const condition = deviceCondition(device);
  const text = compact
    ? selected
      ? '@'
      : CONDITION_GLYPH[condition]
    : `${cell(`${selected ? '›' : ' '}${CONDITION_GLYPH[condition]}${shortId(device.id, device.kind)}`, width - 1)} `;
  return (
    <Text color={theme.color(condition)} inverse={selected} bold={selected}>
      {text}
    </Text>
  );
}

function DeviceRow({ device, selected, width, idWidth }: { device: DeviceView; selected: boolean; width: number; idWidth: number }) {
  const theme = useTheme();
  const condition = deviceCondition(device);
  const alarm = [...device.alarms.values()].sort((a, b) => rank(a.priority) - rank(b.priority))[0];
  const flags = [
    device.link !== 'online' && device.link !== 'connecting' && linkLabel(device.link, device.buffered),
    device.stale && 'stale',
    device.diverged && 'diverged',
    ...[...device.faults.values()].map((f) => f.fault),
  ]
    .filter(Boolean)
    .join(' ');
  const summary = telemetrySummary(device.lastTelemetry);
  const signal = device.series.signals[0];
  const spark =
    signal === undefined
      ? ''
      : sparkline(
          device.series.points(signal).map((p) => p.measured),
          10,
        ).padEnd(10);
  const stateWidth = 12;
  const sparkWidth = width >= 80 && spark ? 11 : 0;
  const rest = Math.max(0, width - idWidth - stateWidth - sparkWidth - 3);
  const tail = [alarm ? `${alarm.code}${alarm.status === 'active' ? '' : ` (${alarm.status})`}` : '', flags].filter(Boolean).join(' ');
  const summaryWidth = Math.max(0, rest - (tail ? tail.length + 2 : 0));
  return (
    <Text wrap="truncate">
      <Text color={theme.color(condition)} inverse={selected} bold={selected}>
        {cell(`${selected ? '›' : ' '}${CONDITION_GLYPH[condition]} ${device.id}`, idWidth)}
      </Text>
      <Text> {cell(device.state || '…', stateWidth)} </Text>
      {sparkWidth > 0 ? <Text color={theme.color('measured')}>{spark} </Text> : null}
      <Text>{cell(summary, summaryWidth)}</Text>
      {tail ? <Text color={theme.color(condition)}>{`  ${fit(tail, Math.max(0, rest - summaryWidth - 2))}`}</Text> : null}
    </Text>
  );
}

function rank(priority: string): number {
  return priority === 'high' ? 0 : priority === 'medium' ? 1 : 2;
}
