import { Box, Text } from 'ink';
import { useState } from 'react';
import { parseDuration } from '../../core/duration.ts';
import type { InjectRequest } from '../controller.ts';
import { fit } from '../format.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import type { FaultInfo } from '../run-like.ts';
import { fieldValues, paramErrors, type ParamField } from '../state/param-fields.ts';
import { useTheme } from '../theme.tsx';

export interface ParamsFormProps {
  fault: FaultInfo;
  fields: readonly ParamField[];
  deviceId: string;
  zone: string;
  width: number;
  height: number;
  onSubmit(request: InjectRequest): void;
  onBack(): void;
}

/** A line of the form: the target, one of the params, or how long. */
export type FormRow = { kind: 'target' } | { kind: 'param'; field: ParamField } | { kind: 'for' };

export interface FormState {
  focus: number;
  wholeZone: boolean;
  values: Record<string, string>;
  forText: string;
  /** The first key typed into a prefilled field replaces its value, as if it were selected. */
  replace: boolean;
}

/** What one key does to the form (Enter and Esc are handled by the caller). */
export function formKey(
  s: FormState,
  rows: readonly FormRow[],
  input: string,
  key: {
    upArrow: boolean;
    downArrow: boolean;
    leftArrow: boolean;
    rightArrow: boolean;
    tab: boolean;
    shift: boolean;
    backspace: boolean;
    delete: boolean;
    ctrl: boolean;
    meta: boolean;
  },
): FormState {
  const row = rows[s.focus]!;
  const options = row.kind === 'param' ? row.field.options : [];
  const cycle = (delta: number): FormState => {
    if (row.kind === 'target') return { ...s, wholeZone: !s.wholeZone };
    if (row.kind !== 'param' || options.length === 0) return s;
    const i = Math.max(0, options.indexOf(s.values[row.field.name] ?? ''));
    return { ...s, values: { ...s.values, [row.field.name]: options[(i + delta + options.length) % options.length]! } };
  };
  const edit = (change: (text: string) => string): FormState => {
    if (row.kind === 'for') return { ...s, replace: false, forText: change(s.forText) };
    if (row.kind === 'param' && options.length === 0)
      return { ...s, replace: false, values: { ...s.values, [row.field.name]: change(s.values[row.field.name] ?? '') } };
    return s;
  };
  if (key.upArrow || (key.tab && key.shift)) return { ...s, focus: Math.max(0, s.focus - 1), replace: true };
  if (key.downArrow || key.tab) return { ...s, focus: Math.min(rows.length - 1, s.focus + 1), replace: true };
  if (key.leftArrow) return cycle(-1);
  if (key.rightArrow) return cycle(1);
  if (input === ' ' && (row.kind === 'target' || options.length > 0)) return cycle(1);
  if (key.backspace || key.delete) return edit((t) => t.slice(0, -1));
  if (input && !key.ctrl && !key.meta) return edit((t) => (s.replace ? input : t + input));
  return s;
}

/**
 * Step two of the inject menu: the target (the device or its whole zone), the fault's params prefilled
 * from its schema, and how long it lasts. Validated with the fault's own schema before anything is sent.
 */
export function ParamsForm({ fault, fields, deviceId, zone, width, height, onSubmit, onBack }: ParamsFormProps) {
  const theme = useTheme();
  const rows: FormRow[] = [
    { kind: 'target' },
    ...fields.map((field) => ({ kind: 'param' as const, field })),
    ...(fault.instant ? [] : [{ kind: 'for' as const }]),
  ];
  const [state, get, set] = useLiveState<FormState>(() => ({
    focus: 0,
    wholeZone: false,
    values: Object.fromEntries(fields.map((f) => [f.name, f.initial])),
    forText: '',
    replace: true,
  }));
  const [errors, setErrors] = useState<string[]>([]);

  const submit = () => {
    const s = get();
    const params = fieldValues(fields, s.values);
    const problems = paramErrors(fault.params, params);
    let forMs: number | undefined;
    if (s.forText.trim() !== '') {
      try {
        forMs = parseDuration(s.forText.trim(), 'for');
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    setErrors(problems);
    if (problems.length > 0) return;
    onSubmit({ fault: fault.name, selector: s.wholeZone ? { zone } : { device: deviceId }, params, forMs });
  };

  useKeys(
    (input, key) => {
      if (key.escape) onBack();
      else if (key.return) submit();
      else set((s) => formKey(s, rows, input, key));
    },
    { layer: 1 },
  );

  const labelWidth = Math.min(16, Math.max(8, ...fields.map((f) => f.name.length)) + 2);
  const line = (i: number, label: string, value: string, hint: string) => {
    const focused = i === state.focus;
    return (
      <Text key={label} wrap="truncate">
        <Text inverse={focused}>
          {focused ? '›' : ' '} {label.padEnd(labelWidth)}
        </Text>
        <Text bold> {(value === '' ? '(default)' : value).padEnd(10)}</Text>
        <Text color={theme.color('muted')}> {fit(hint, Math.max(0, width - labelWidth - Math.max(10, value.length) - 6))}</Text>
      </Text>
    );
  };
  const room = Math.max(1, height - 3 - Math.min(errors.length, 3));
  const start = Math.min(Math.max(0, state.focus - Math.floor(room / 2)), Math.max(0, rows.length - room));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{fault.name}</Text>
        <Text color={theme.color('muted')}> {fault.summary}</Text>
      </Text>
      <Text wrap="truncate" color={theme.color('muted')}>
        ↑↓ field · type to replace, backspace to edit · ←→ change choice · enter inject · esc back
      </Text>
      {rows.slice(start, start + room).map((r, k) => {
        const i = start + k;
        if (r.kind === 'target')
          return line(i, 'target', state.wholeZone ? `zone ${zone}` : `device ${deviceId}`, '←→ device or its whole zone');
        if (r.kind === 'for') return line(i, 'for', state.forText, 'how long, e.g. 10m (empty: to the end of the run)');
        const f = r.field;
        const choice = f.options.length > 0 ? ` (${f.options.filter(Boolean).join('|')})` : '';
        return line(i, f.name, state.values[f.name] ?? '', `${f.description}${choice}`);
      })}
      {errors.slice(0, 3).map((e) => (
        <Text key={e} wrap="truncate" color={theme.color('fail')}>
          ✗ {e}
        </Text>
      ))}
    </Box>
  );
}
