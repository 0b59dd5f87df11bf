import { Box, Text } from 'ink';
import { useKeys } from '../hooks/use-keys.tsx';
import { useState } from 'react';
import { parseDuration } from '../../core/duration.ts';
import type { InjectRequest } from '../controller.ts';
import { fit } from '../format.ts';
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

type Row = { kind: 'target' } | { kind: 'param'; field: ParamField } | { kind: 'for' };

/**
 * Step two of the inject menu: the target (the device or its whole zone), the fault's params prefilled
 * from its schema, and how long it lasts. Validated with the fault's own schema before anything is sent.
 */
export function ParamsForm({ fault, fields, deviceId, zone, width, height, onSubmit, onBack }: ParamsFormProps) {
  const theme = useTheme();
  const rows: Row[] = [{ kind: 'target' }, ...fields.map((field) => ({ kind: 'param' as const, field })), ...(fault.instant ? [] : [{ kind: 'for' as const }])];
  const [focus, setFocus] = useState(0);
  const [wholeZone, setWholeZone] = useState(false);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [forText, setForText] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const row = rows[focus]!;

  const cycle = (delta: number) => {
    if (row.kind === 'target') setWholeZone((z) => !z);
    else if (row.kind === 'param' && row.field.options.length > 0) {
      const { options, name } = row.field;
      setValues((v) => {
        const i = Math.max(0, options.indexOf(v[name] ?? ''));
        return { ...v, [name]: options[(i + delta + options.length) % options.length]! };
      });
    }
  };
  const edit = (change: (text: string) => string) => {
    if (row.kind === 'for') setForText(change);
    else if (row.kind === 'param' && row.field.options.length === 0) {
      const { name } = row.field;
      setValues((v) => ({ ...v, [name]: change(v[name] ?? '') }));
    }
  };
  const submit = () => {
    const params = fieldValues(fields, values);
    const problems = paramErrors(fault.params, params);
    let forMs: number | undefined;
    if (forText.trim() !== '') {
      try {
        forMs = parseDuration(forText.trim(), 'for');
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    setErrors(problems);
    if (problems.length > 0) return;
    onSubmit({ fault: fault.name, selector: wholeZone ? { zone } : { device: deviceId }, params, forMs });
  };

  useKeys((input, key) => {
    if (key.escape) onBack();
    else if (key.return) submit();
    else if (key.upArrow || (key.tab && key.shift)) setFocus((f) => Math.max(0, f - 1));
    else if (key.downArrow || key.tab) setFocus((f) => Math.min(rows.length - 1, f + 1));
    else if (key.leftArrow) cycle(-1);
    else if (key.rightArrow) cycle(1);
    else if (input === ' ' && (row.kind === 'target' || (row.kind === 'param' && row.field.options.length > 0))) cycle(1);
    else if (key.backspace || key.delete) edit((t) => t.slice(0, -1));
    else if (input && !key.ctrl && !key.meta) edit((t) => t + input);
  }, { layer: 1 });

  const labelWidth = Math.min(16, Math.max(8, ...fields.map((f) => f.name.length)) + 2);
  const line = (i: number, label: string, value: string, hint: string) => {
    const focused = i === focus;
    return (
      <Text key={label} wrap="truncate">
        <Text inverse={focused}>
          {focused ? '›' : ' '} {label.padEnd(labelWidth)}
        </Text>
        <Text bold> {value === '' ? '(default)' : value}</Text>
        <Text color={theme.color('muted')}> {fit(hint, Math.max(0, width - labelWidth - value.length - 6))}</Text>
      </Text>
    );
  };
  const room = Math.max(1, height - 3 - Math.min(errors.length, 3));
  const start = Math.min(Math.max(0, focus - Math.floor(room / 2)), Math.max(0, rows.length - room));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{fault.name}</Text>
        <Text color={theme.color('muted')}> {fault.summary}</Text>
      </Text>
      <Text wrap="truncate" color={theme.color('muted')}>
        ↑↓ field · type to edit · ←→ change choice · enter inject · esc back
      </Text>
      {rows.slice(start, start + room).map((r, k) => {
        const i = start + k;
        if (r.kind === 'target') return line(i, 'target', wholeZone ? `zone ${zone}` : `device ${deviceId}`, '←→ device or its whole zone');
        if (r.kind === 'for') return line(i, 'for', forText, 'how long, e.g. 10m (empty: to the end of the run)');
        const f = r.field;
        const choice = f.options.length > 0 ? ` (${f.options.filter(Boolean).join('|')})` : '';
        return line(i, f.name, values[f.name] ?? '', `${f.description}${choice}`);
      })}
      {errors.slice(0, 3).map((e) => (
        <Text key={e} wrap="truncate" color={theme.color('fail')}>
          ✗ {e}
        </Text>
      ))}
    </Box>
  );
}
