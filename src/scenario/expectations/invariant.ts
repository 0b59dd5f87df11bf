import { InputError, nearestName } from '../../core/errors.ts';
import type { Expectation } from '../schema.ts';
import { evidenceIds, listSome } from './format.ts';
import type { Judge, JudgeEnv, Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';
import { describeSelector } from './select.ts';

type InvariantExpectation = Extract<Expectation, { type: 'invariant' }>;

/**
 * `invariant`: a registered safety property checked over the whole run on the selected devices; it
 * holds when nothing breached it. Params are validated here with the invariant's own schema.
 */
export function createInvariantJudge(expectation: InvariantExpectation, env: JudgeEnv): Judge {
  const { name, invariant, target } = expectation;
  const definition = env.invariants[invariant];
  if (definition === undefined) {
    const names = Object.keys(env.invariants);
    const hint = nearestName(invariant, names);
    throw new InputError(
      'E_UNKNOWN_INVARIANT',
      `expectation "${name}": unknown invariant "${invariant}"${hint ? ` — did you mean "${hint}"?` : ''} (invariants: ${names.join(', ')})`,
    );
  }
  const parsed = definition.params.safeParse(expectation.params ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(params)'}: ${i.message}`).join('; ');
    throw new InputError('E_INVARIANT_PARAMS', `expectation "${name}": params of invariant "${invariant}": ${problems}`);
  }
  const devices = env.select(target, name);
  const checker = definition.create(parsed.data, { fleetPlan: env.fleetPlan, devices, deviceById: env.deviceById });
  const holds = definition.describe(parsed.data);
  let lastT = 0;
  return {
    name,
    type: 'invariant',
    onEvents(batch) {
      for (const event of batch) checker.onEvent(event);
      if (batch.length > 0) lastT = batch[batch.length - 1]!.t;
    },
    finish(context?: RunContext): Verdict {
      if (devices.length === 0) {
        return {
          name,
          type: 'invariant',
          passed: false,
          measured: null,
          threshold: '0 violations',
          message: `no device matches the target (${describeSelector(target)}), so ${invariant} was not checked`,
          evidence: [],
        };
      }
      const open = checker.pending(context?.simulatedMs ?? lastT, context);
      const count = checker.violations.count + open.length;
      const first = [...checker.violations.first, ...open];
      const passed = count === 0;
      const scope = `${devices.length} device${devices.length === 1 ? '' : 's'}${target ? ` (${describeSelector(target)})` : ''}`;
      const message = passed
        ? `${invariant} held on ${scope}: ${holds}`
        : `${invariant} violated ${count} time${count === 1 ? '' : 's'} on ${scope}: ${listSome(
            first.map((v) => v.detail),
            3,
          )}`;
      return {
        name,
        type: 'invariant',
        passed,
        measured: count,
        threshold: '0 violations',
        message,
        evidence: evidenceIds(first.flatMap((v) => v.evidence)),
      };
    },
  };
}
