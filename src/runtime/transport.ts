import { IN_THREAD_LINKS, type LinkOpener } from '../net/device-link.ts';
import { LinkPool } from '../net/link-pool.ts';
import { openBroker, placementFor, type BrokerHandle, type OpenBrokerOptions } from './broker-host.ts';
import type { RunDependencies } from './fleet-builder.ts';
import { IN_THREAD_FOR_NETWORK_FAULTS, linksFor, type LinkPlacement, type RunOptions } from './run-options.ts';

/** Where a run's messages travel: its broker, and where its clients' links run. */
export interface Transport {
  broker: BrokerHandle;
  links: LinkPlacement;
  /**
   * Set when the clients are not where the fleet's size would put them by default, and the run chose
   * so itself (not RunOptions.links): why, for the run's first line (a 1,000-device fleet with network
   * faults stays in-thread).
   */
  linksNote?: string;
  /** Opens every client's link (RunOptions.wrapLinks applied). */
  opener: LinkOpener;
  close(): Promise<void>;
}

/**
 * Opens the broker (external, in this process, or in a child, by fleet size unless the options say)
 * and, for large fleets, the link thread that hosts the clients. `onLinkFailure`: the link thread
 * died — no device can publish any more. `security`: the run's controls on its embedded broker (run-security.ts).
 * `onSimulationClock`: the clients' sessions run on the simulation's clock (network faults), so unless
 * the options place them, they stay on this thread (run-options.ts linksFor).
 */
export async function openTransport(
  options: RunOptions,
  devices: number,
  deps: RunDependencies,
  onLinkFailure: (error: Error) => void,
  security?: OpenBrokerOptions['security'],
  brokerNeeds: Pick<OpenBrokerOptions, 'isolateSlowReaders' | 'limits' | 'placement'> = {},
  onSimulationClock = false,
): Promise<Transport> {
  const broker = await openBroker({
    ...brokerNeeds,
    url: options.brokerUrl,
    port: options.port,
    // A secured broker in a child process gets the controls over IPC and asks this process for the run's time.
    placement: options.brokerPlacement ?? brokerNeeds.placement ?? placementFor(devices),
    ...(security ? { security } : {}),
    ...(options.persistence ? { persistence: options.persistence } : {}),
  });
  const links = options.links ?? linksFor(devices, onSimulationClock);
  const moved = options.links === undefined && links !== linksFor(devices);
  let pool: LinkPool | undefined;
  if (links === 'link-thread') {
    pool = deps.createLinkPool?.() ?? new LinkPool();
    pool.onFailure = onLinkFailure;
  }
  const base = pool ?? IN_THREAD_LINKS;
  return {
    broker,
    links,
    ...(moved ? { linksNote: IN_THREAD_FOR_NETWORK_FAULTS } : {}),
    opener: options.wrapLinks?.(base) ?? base,
    close: async () => {
      await pool?.stop();
      await broker.close();
    },
  };
}
