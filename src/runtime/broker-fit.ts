import { InputError } from '../core/errors.ts';
import { enabledControls } from '../net/security/profile-schema.ts';
import type { Plan } from '../scenario/plan.ts';
import { planOwnsBroker } from './network-binding.ts';
import { idsBrokerRefusal, planWantsIds } from './run-ids.ts';

/**
 * Why a plan cannot run on an external broker (`--broker URL`), or undefined when it can: its
 * security controls, its intrusion detector and a broker restart (or `broker.persistence`) all live in
 * medtwin's embedded broker. The CLI and the TUI ask before anything runs, so a list of scenarios
 * fails on the one that cannot, by name, instead of after the ones before it have run; the run raises
 * the same refusals itself for callers of the library.
 */
export function externalBrokerRefusal(plan: Plan, brokerUrl: string): InputError | undefined {
  const refusal = refusalOf(plan, brokerUrl);
  if (refusal === undefined || plan.source === undefined) return refusal;
  return new InputError(refusal.code, `${plan.source}: ${refusal.message}`);
}

function refusalOf(plan: Plan, brokerUrl: string): InputError | undefined {
  if (plan.security !== undefined && enabledControls(plan.security).length > 0)
    return new InputError(
      'E_SECURITY_BROKER',
      `security "${plan.security.profile}" is applied by medtwin's embedded broker, and ${brokerUrl} is another: drop --broker, or run with --security open`,
    );
  if (planOwnsBroker(plan)) {
    const why = plan.broker?.persistence !== undefined ? 'its broker.persistence' : 'its broker restart (network.broker-restart)';
    return new InputError(
      'E_BROKER_RESTART',
      `${why} needs medtwin's own embedded broker, which the run can stop and start: an external broker (--broker ${brokerUrl}) cannot be; drop --broker`,
    );
  }
  if (planWantsIds(plan)) return idsBrokerRefusal(brokerUrl);
  return undefined;
}
