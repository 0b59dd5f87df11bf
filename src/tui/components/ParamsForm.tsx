import { Box, Text } from 'ink';
import { useState } from 'react';
import { parseDuration } from '../../core/duration.ts';
import type { InjectRequest } from '../controller.ts';
import { fit } from '../format.ts';
import { useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import type { FaultInfo } from '../run-like.ts';
import type { TargetSelector } from '../../scenario/schema.ts';
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
  /** Index into the fault's target choices (targetChoices). */
  target: number;
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
  targetCount = 2,
): FormState {
  const row = rows[s.focus]!;
  const options = row.kind === 'param' ? row.field.options : [];
  const cycle = (delta: number): FormState => {
    if (row.kind === 'target') return { ...s, target: (s.target + delta + targetCount) % targetCount };
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

/** One target the form offers: what it reads as, and the selector Run.inject gets. */
export interface TargetChoice {
  label: string;
  selector: TargetSelector;
}

/**
 * What the selected device lets a fault act on, as the fault's `targets` allow: a device fault the
 * device or its whole zone; a network fault the device's link, its zone, the twin's connection or the
 * site (the broker), in that order. A run without a network says so when the injection is tried.
 */
export function targetChoices(fault: Pick<FaultInfo, 'targets'>, deviceId: string, zone: string): TargetChoice[] {
  const kinds = fault.targets ?? ['device'];
  if (kinds.includes('device'))
    return [
      { label: `device ${deviceId}`, selector: { device: deviceId } },
      { label: `zone ${zone}`, selector: { zone } },
    ];
  const choices: TargetChoice[] = [];
  if (kinds.includes('link')) choices.push({ label: `link of ${deviceId}`, selector: { scope: 'link', device: deviceId } });
  if (kinds.includes('zone')) choices.push({ label: `zone ${zone}`, selector: { scope: 'zone', zone } });
  if (kinds.includes('twin')) choices.push({ label: "the twin's connection", selector: { scope: 'twin' } });
  if (kinds.includes('site')) choices.push({ label: 'the site (broker)', selector: { scope: 'site' } });
  return choices;
}

/**
 * Step two of the inject menu: the target (the device or its whole zone; a network fault's link, zone, twin or site), the fault's params prefilled
 * from its schema, and how long it lasts. Validated with the fault's own schema before anything is sent.
 */
export function ParamsForm({ fault, fields, deviceId, zone, width, height, onSubmit, onBack }: ParamsFormProps) {
  const theme = useTheme();
  const targets = targetChoices(fault, deviceId, zone);
  const rows: FormRow[] = [
    { kind: 'target' },
    ...fields.map((field) => ({ kind: 'param' as const, field })),
    ...(fault.instant ? [] : [{ kind: 'for' as const }]),
  ];
  const [state, get, set] = useLiveState<FormState>(() => ({
    focus: 0,
    target: 0,
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
    onSubmit({ fault: fault.name, selector: targets[s.target]!.selector, params, forMs });
  };

  useKeys(
    (input, key) => {
      if (key.escape) onBack();
      else if (key.return) submit();
      else set((s) => formKey(s, rows, input, key, targets.length));
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
          return line(i, 'target', targets[state.target]!.label, targets.length > 1 ? `←→ ${targets.map((t) => t.label).join(' · ')}` : '');
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
