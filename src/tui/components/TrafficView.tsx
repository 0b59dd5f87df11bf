import { Box, Text } from 'ink';
import { useEffect, useReducer } from 'react';
import { formatSimTime } from '../../core/duration.ts';
import { fit } from '../format.ts';
import type { ShadowView } from '../run-like.ts';
import { compact } from '../state/feed.ts';
import type { TrafficMonitor } from '../traffic/monitor.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

export interface TrafficViewProps {
  monitor: TrafficMonitor | undefined;
  /** Why there is no monitor (no broker yet). */
  unavailable?: string;
  device: string | undefined;
  shadow: ShadowView | undefined;
  width: number;
  height: number;
}

/** How often the view looks for new messages, wall ms (it paces the display only). */
const REFRESH_MS = 200;

/**
 * `t`: the live MQTT messages of the selected device (or a topic filter typed after `/`), seen by the
 * TUI's own client on the run's broker and decoded with the envelope codec, with rates per channel;
 * beside them the twin's shadow of the device (reported, desired, delta), so what went over the wire
 * and what the twin made of it can be read side by side.
 */
export function TrafficView({ monitor, unavailable, device, shadow, width, height }: TrafficViewProps) {
  const theme = useTheme();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!monitor) return;
    let seen = monitor.version;
    const timer = setInterval(() => {
      if (monitor.version !== seen) {
        seen = monitor.version;
        redraw();
      }
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [monitor]);
  const side = width >= 100 && shadow !== undefined;
  const shadowWidth = side ? Math.min(48, Math.floor(width * 0.38)) : 0;
  const listWidth = side ? width - shadowWidth - 1 : width;
  const rates = monitor?.rates() ?? [];
  const rateText =
    rates.length === 0
      ? 'no messages yet'
      : rates
          .map(
            (r) =>
              `${r.channel} ${r.total} · ${r.perSecond.toFixed(1)}/s${r.perSimSecond === undefined ? '' : ` (${r.perSimSecond.toFixed(2)}/sim s)`}`,
          )
          .join('  ');
  const listRows = Math.max(1, height - 3);
  const messages = monitor?.messages().slice(-listRows) ?? [];
  const list = (
    <Box flexDirection="column" width={listWidth} height={height - 1} overflow="hidden">
      <Text wrap="truncate" color={theme.color('muted')}>
        filter <Text bold>{monitor?.filter ?? '—'}</Text> · / to change
        {monitor?.error ? '' : ` · ${monitor?.url ?? ''}`}
      </Text>
      <Text wrap="truncate" color={monitor?.error ? theme.color('fail') : theme.color('accent')}>
        {monitor?.error ?? unavailable ?? fit(rateText, listWidth)}
      </Text>
      {messages.map((m) => {
        const e = m.envelope;
        // Time, channel, (device,) sequence number: the rest of the line is the body.
        const room = Math.max(10, listWidth - 9 - 13 - (device ? 0 : 20) - String(e?.seq ?? '').length - 2 - (m.retained ? 9 : 0));
        const what = e ? `#${e.seq} ${compact(e.body, room)}` : `${m.raw ?? ''} (not an envelope)`;
        return (
          <Text key={m.n} wrap="truncate">
            <Text color={theme.color('muted')}>{e ? formatSimTime(e.t) : '--:--:--'} </Text>
            <Text bold>{m.channel.padEnd(12)}</Text>
            {device ? null : <Text>{(m.device ?? '').padEnd(20)}</Text>}
            <Text color={e ? undefined : theme.color('warning')}>
              {m.retained ? 'retained ' : ''}
              {what}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
  return (
    <Panel
      title={`Traffic${device ? ` of ${device}` : ''}`}
      right={`the TUI's own MQTT client on the run's broker${monitor ? ` as ${monitor.clientId}` : ''}`}
      width={width}
      height={height}
    >
      {side ? (
        <Box flexDirection="row">
          {list}
          <Box width={1} />
          <ShadowPanel shadow={shadow!} width={shadowWidth} height={height - 1} />
        </Box>
      ) : (
        list
      )}
    </Panel>
  );
}

function ShadowPanel({ shadow, width, height }: { shadow: ShadowView; width: number; height: number }) {
  const theme = useTheme();
  const lines: { key: string; text: string; role?: 'muted' | 'diverged' | 'warning' }[] = [
    { key: 'h', text: 'twin shadow', role: 'muted' },
    {
      key: 'flags',
      text: `${shadow.online ? 'online' : 'offline'} · ${shadow.stale ? 'STALE' : 'fresh'} · ${shadow.diverged ? 'DIVERGED' : 'in sync'} · v${shadow.version}`,
    },
    {
      key: 'seen',
      text: `seen ${shadow.lastSeen === undefined ? 'never' : formatSimTime(shadow.lastSeen)} · ${shadow.missingTelemetry} lost`,
    },
    { key: 'r', text: 'reported', role: 'muted' },
    ...Object.entries(shadow.reported).map(([k, v]) => ({ key: `r-${k}`, text: `  ${k} ${compact(v, width - k.length - 4)}` })),
    {
      key: 'd',
      text: `desired ${Object.keys(shadow.desired).length === 0 ? 'nothing commanded' : compact(shadow.desired, width - 8)}`,
      role: 'muted',
    },
    {
      key: 'delta',
      text: `delta ${Object.keys(shadow.delta).length === 0 ? 'none' : compact(shadow.delta, width - 6)}`,
      role: Object.keys(shadow.delta).length > 0 ? 'diverged' : 'muted',
    },
  ];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.slice(0, height).map((l) => (
        <Text key={l.key} wrap="truncate" color={l.role ? theme.color(l.role) : undefined}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
