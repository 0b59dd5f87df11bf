import type { SimEvent } from '../core/event-log.ts';
import type { Counterfactual as ImpactCounterfactual } from '../defense/impact/attribution.ts';
import { keepForImpact } from '../scenario/expectations/prevented.ts';
import type { Plan } from '../scenario/plan.ts';
import type { ExecuteOptions } from './execute.ts';

/** The counterfactual run as the judges take it, with the size of its event log. */
export interface Counterfactual extends ImpactCounterfactual {
  /** Events in its log. */
  count: number;
}

/** What runs a plan: executeScenario, passed in so this module and execute.ts do not import each other. */
type Execute = (plan: Plan, options: ExecuteOptions) => Promise<{ digest: string; events: number }>;

/**
 * What the counterfactual takes over from the attacked run's options; the broker's URL is not among
 * them (see runCounterfactual), nor expectations, reporters or callbacks.
 */
const KEPT = [
  'seed',
  'durationMs',
  'port',
  'brokerPlacement',
  'persistence',
  'links',
  'syncMs',
  'settleTimeoutMs',
  'connectOptionsFor',
  'wrapLinks',
  'ids',
  'deps',
  'signal',
] as const satisfies readonly (keyof ExecuteOptions)[];

/** The KEPT options that are set (an option set to undefined is not passed on as one). */
function kept(options: ExecuteOptions): Partial<Pick<ExecuteOptions, (typeof KEPT)[number]>> {
  return Object.fromEntries(KEPT.flatMap((key) => (options[key] === undefined ? [] : [[key, options[key]]])));
}

/**
 * Runs `plan` again with its attacks withheld (RunOptions.withholdAttacks) and returns the events the
 * impact metrics read. Same seed, same security profile, same detector setting, always on a broker of
 * its own: an external one (`--broker`) keeps what the attacked run left there — a retained pause, a
 * persistent session's queue — which would reach the run meant to be without the attack (a run's
 * digest does not depend on its broker, so nothing else changes). Every
 * timeline entry fires at its instant with its own random stream (an attack entry too, so the entries
 * after it draw the same targets), only no adversary acts. Fast mode whatever the original's mode: it
 * is the deterministic account of what the scenario costs without its attacks, and a realtime run's
 * impact is judged against it. No expectations, reporters, dataset or export: nothing is judged or
 * written from it. Undefined when `signal` stopped it.
 */
export async function runCounterfactual(plan: Plan, options: ExecuteOptions, execute: Execute): Promise<Counterfactual | undefined> {
  const events: SimEvent[] = [];
  const result = await execute(
    { ...plan, expectations: [] },
    {
      ...kept(options),
      mode: 'fast',
      withholdAttacks: true,
      onEvents: (batch) => {
        for (const event of batch) if (keepForImpact(event)) events.push(event);
      },
    },
  );
  if (options.signal?.aborted) return undefined;
  return { events, digest: result.digest, count: result.events };
}
