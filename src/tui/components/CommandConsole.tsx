import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { fit } from '../format.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import { usePickList } from '../hooks/use-pick-list.ts';
import type { TuiAgent } from '../run-like.ts';
import { commandVariants, fieldValues, type CommandVariant } from '../state/param-fields.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';
import { Unavailable } from './Unavailable.tsx';
import { formKey, type FormRow, type FormState } from './ParamsForm.tsx';

export interface CommandConsoleProps {
  agent: TuiAgent | undefined;
  width: number;
  height: number;
  /** Sends the command; resolves to whether the device's schema took it, and what to say. */
  onSend(command: Record<string, unknown>): { ok: boolean; message: string };
  onCancel(): void;
}

/**
 * `c`: any command the selected device's kind accepts — resume, program, stop, bolus, limits,
 * acknowledge — with the kind's own zod command schema as the form: pick the command, fill in its
 * fields, enter sends it through the twin once the schema accepts it.
 */
export function CommandConsole({ agent, width, height, onSend, onCancel }: CommandConsoleProps) {
  const variants = useMemo(() => (agent ? commandVariants(agent.descriptor.commandSchema) : []), [agent]);
  const [picked, setPicked] = useState<CommandVariant | undefined>(undefined);
  const title = agent ? `Command ${agent.deviceId} (${agent.descriptor.title})` : 'Command';
  let body;
  if (!agent || variants.length === 0)
    body = <Unavailable why={agent ? `${agent.kind} accepts no commands` : 'select a device first'} onCancel={onCancel} />;
  else if (!picked) body = <CommandPicker variants={variants} width={width} height={height - 1} onPick={setPicked} onCancel={onCancel} />;
  else
    body = (
      <CommandForm
        key={picked.type}
        variant={picked}
        width={width}
        height={height - 1}
        onSend={onSend}
        onBack={() => setPicked(undefined)}
      />
    );
  return (
    <Panel title={title} width={width} height={height}>
      {body}
    </Panel>
  );
}

function CommandPicker({
  variants,
  width,
  height,
  onPick,
  onCancel,
}: {
  variants: readonly CommandVariant[];
  width: number;
  height: number;
  onPick(v: CommandVariant): void;
  onCancel(): void;
}) {
  const theme = useTheme();
  const { query, shown, current } = usePickList(variants, (v, q) => v.type.includes(q), onPick, onCancel);
  const rows = Math.max(1, height - 1);
  const start = Math.min(Math.max(0, current - Math.floor(rows / 2)), Math.max(0, shown.length - rows));
  const nameWidth = Math.max(10, ...variants.map((v) => v.type.length)) + 2;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate" color={theme.color('muted')}>
        type to narrow: <Text bold>{query || '…'}</Text> · ↑↓ choose · enter pick · esc close
      </Text>
      {shown.slice(start, start + rows).map((v, i) => {
        const selected = start + i === current;
        const fields = v.fields.length === 0 ? 'no fields' : v.fields.map((f) => `${f.name}${f.required ? '*' : ''}`).join(', ');
        return (
          <Text key={v.type} wrap="truncate" inverse={selected}>
            {selected ? '›' : ' '} {v.type.padEnd(nameWidth)}
            <Text color={theme.color('muted')}>{fit(fields, Math.max(0, width - nameWidth - 3))}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

function CommandForm({
  variant,
  width,
  height,
  onSend,
  onBack,
}: {
  variant: CommandVariant;
  width: number;
  height: number;
  onSend(command: Record<string, unknown>): { ok: boolean; message: string };
  onBack(): void;
}) {
  const theme = useTheme();
  const rows: FormRow[] = variant.fields.map((field) => ({ kind: 'param', field }));
  const [state, get, set] = useLiveState<FormState>(() => ({
    focus: 0,
    target: 0,
    values: Object.fromEntries(variant.fields.map((f) => [f.name, f.initial])),
    forText: '',
    replace: true,
  }));
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useKeys(
    (input, key) => {
      if (key.escape) onBack();
      else if (key.return) {
        const outcome = onSend({ type: variant.type, ...fieldValues(variant.fields, get().values) });
        if (!outcome.ok) setProblem(outcome.message);
      } else if (rows.length > 0) set((s) => formKey(s, rows, input, key));
    },
    { layer: 1 },
  );
  const labelWidth = Math.min(18, Math.max(8, ...variant.fields.map((f) => f.name.length)) + 3);
  const room = Math.max(1, height - 2 - (problem ? 1 : 0));
  const start = Math.min(Math.max(0, state.focus - Math.floor(room / 2)), Math.max(0, rows.length - room));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{variant.type}</Text>
        <Text color={theme.color('muted')}>
          {' '}
          {variant.fields.length === 0 ? 'takes no fields' : '↑↓ field · type to replace · ←→ change choice'} · enter send · esc back
        </Text>
      </Text>
      {variant.fields.slice(start, start + room).map((f, k) => {
        const focused = start + k === state.focus;
        const value = state.values[f.name] ?? '';
        const choice = f.options.length > 0 ? ` (${f.options.filter(Boolean).join('|')})` : '';
        return (
          <Text key={f.name} wrap="truncate">
            <Text inverse={focused}>
              {focused ? '›' : ' '} {`${f.name}${f.required ? '*' : ''}`.padEnd(labelWidth)}
            </Text>
            <Text bold> {(value === '' ? '(none)' : value).padEnd(10)}</Text>
            <Text color={theme.color('muted')}> {fit(`${f.description}${choice}`, Math.max(0, width - labelWidth - 16))}</Text>
          </Text>
        );
      })}
      {problem ? (
        <Text wrap="truncate" color={theme.color('fail')}>
          ✗ {problem}
        </Text>
      ) : null}
    </Box>
  );
}
