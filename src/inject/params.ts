import { InputError, describeValue } from '../core/errors.ts';
import type { AnyFaultDefinition } from './fault.ts';

/**
 * Validates and fills in a fault's params (defaults applied, durations in ms). Every problem is
 * reported at once, each naming where it is, what was received and what was expected:
 * `timeline[2].params.offset: expected number, received "high" (sensor.bias)`.
 */
export function parseFaultParams(fault: AnyFaultDefinition, raw: unknown, where = 'params'): Record<string, unknown> {
  const result = fault.params.safeParse(raw ?? {});
  if (result.success) return result.data as Record<string, unknown>;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
    const received = issue.path.length > 0 ? valueAt(raw, issue.path) : undefined;
    const tail =
      issue.code === 'unrecognized_keys'
        ? ` — ${fault.name} takes ${knownParams(fault)}`
        : issue.path.length > 0
          ? `, received ${describeValue(received)} (${fault.name})`
          : ` (${fault.name})`;
    return `${path}: ${plain(issue.message)}${tail}`;
  });
  throw new InputError('E_FAULT_PARAMS', lines.join('\n'));
}

function knownParams(fault: AnyFaultDefinition): string {
  const shape = (fault.params as { shape?: Record<string, unknown> }).shape;
  const names = shape ? Object.keys(shape) : [];
  return names.length === 0 ? 'no params' : names.join(', ');
}

/**
 * zod's messages begin "Invalid input: expected..." and name only the received type; the path says
 * where and the value itself is appended, so both are dropped.
 */
function plain(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
