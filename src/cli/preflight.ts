import { freemem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { EnvironmentError } from '../core/errors.ts';
import { DESCRIPTOR_RESERVE, descriptorLimits } from '../net/descriptor-limit.ts';
import type { BrokerPlacement } from '../runtime/broker-host.ts';

/** What the machine allows this process, and where the fleet's broker runs. */
export interface Resources {
  /** `ulimit -n`: soft and hard limit on open descriptors (undefined: unknown or unlimited). */
  descriptors: { soft?: number; hard?: number };
  /** V8's heap limit for the simulation, MiB. */
  heapLimitMiB: number;
  /** Memory the kernel says is available, MiB. */
  availableMiB: number;
}

/**
 * Memory per device and per process, fitted to the 1,000- and 10,000-device rows' peak RSS and live
 * heap (docs/benchmarks.md#measured): a base plus about 0.05 MiB of simulation and 0.02 MiB of broker per device.
 */
const MEMORY = {
  simBaseMiB: 250,
  simPerDeviceMiB: 0.05,
  heapBaseMiB: 60,
  heapPerDeviceMiB: 0.045,
  brokerBaseMiB: 130,
  brokerPerDeviceMiB: 0.02,
};

/** One reason a fleet would not fit, and the remedies that would make it fit. */
export interface Finding {
  problem: string;
  remedies: string[];
}

/**
 * Compares a fleet with the descriptors and memory it will need, before anything connects. Without it
 * 20,000 devices ran for half a minute to minutes and died with a raw `connect EMFILE`. Pure: the
 * resources are passed in.
 */
export function assessFleet(devices: number, placement: BrokerPlacement | 'external', resources: Resources): Finding[] {
  const findings: Finding[] = [];
  const { soft, hard } = resources.descriptors;
  // Each device's connection, and the twin's, costs a descriptor in this process, and one more at
  // the broker's end when the broker shares the process.
  const connections = devices + 1;
  const needed = connections * (placement === 'in-process' ? 2 : 1) + DESCRIPTOR_RESERVE;
  if (soft !== undefined && needed > soft) {
    const fits = Math.max(0, soft - DESCRIPTOR_RESERVE - 1);
    const remedies: string[] = [];
    if (hard === undefined || hard >= needed)
      remedies.push(
        `raise the limit before running: ulimit -n ${needed}${hard !== undefined ? ` (the hard limit allows up to ${hard})` : ''}`,
      );
    remedies.push(
      `split the fleet into shards of at most ${fits.toLocaleString('en-US')} devices, each its own medtwin run, all pointed at one broker with --broker mqtt://HOST:PORT (Mosquitto, EMQX, or aedes clustered through Redis)`,
    );
    findings.push({
      problem: `descriptors: the simulation needs about ${needed.toLocaleString('en-US')} open files (one per device connection${placement === 'in-process' ? ' and one for its broker end' : ''}, plus ${DESCRIPTOR_RESERVE} for itself), and this process may open ${soft.toLocaleString('en-US')} (ulimit -n${hard !== undefined ? `; hard limit ${hard.toLocaleString('en-US')}` : ''})`,
      remedies,
    });
  }
  const heapMiB = Math.round(MEMORY.heapBaseMiB + MEMORY.heapPerDeviceMiB * devices);
  // V8 needs room beyond the live heap to collect garbage; past ~80 % of its limit a run thrashes, then dies.
  if (heapMiB > resources.heapLimitMiB * 0.8) {
    const want = Math.ceil((heapMiB / 0.8 + 512) / 1024) * 1024;
    findings.push({
      problem: `memory: the simulation needs about ${formatMiB(heapMiB)} of JavaScript heap, and Node's limit here is ${formatMiB(resources.heapLimitMiB)}`,
      remedies: [
        `give Node more heap: NODE_OPTIONS=--max-old-space-size=${want}`,
        'or split the fleet into shards, each its own medtwin run',
      ],
    });
  }
  const totalMiB = Math.round(
    MEMORY.simBaseMiB +
      MEMORY.simPerDeviceMiB * devices +
      (placement === 'external' ? 0 : MEMORY.brokerBaseMiB + MEMORY.brokerPerDeviceMiB * devices),
  );
  if (totalMiB > resources.availableMiB) {
    findings.push({
      problem: `memory: the run needs about ${formatMiB(totalMiB)}${placement === 'external' ? '' : ' with its broker'}, and ${formatMiB(resources.availableMiB)} is available`,
      remedies: [
        ...(placement === 'external' ? [] : ['run the broker elsewhere and point the fleet at it with --broker mqtt://HOST:PORT']),
        'split the fleet into shards on several machines',
      ],
    });
  }
  return findings;
}

/** This process's resources, as assessFleet needs them. */
export function currentResources(): Resources {
  return {
    descriptors: descriptorLimits(),
    heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024),
    availableMiB: Math.round(freemem() / 1024 / 1024),
  };
}

/**
 * Refuses, before anything connects, a fleet this machine cannot hold: an EnvironmentError (exit 3)
 * naming each shortfall and its remedies.
 */
export function preflight(devices: number, placement: BrokerPlacement | 'external', resources = currentResources()): void {
  const findings = assessFleet(devices, placement, resources);
  if (findings.length === 0) return;
  const lines = findings.flatMap((f) => [`  ${f.problem}.`, ...f.remedies.map((r) => `    - ${r}`)]);
  throw new EnvironmentError(
    'E_FLEET_TOO_LARGE',
    `a fleet of ${devices.toLocaleString('en-US')} devices will not fit in this process; nothing was started:\n${lines.join('\n')}`,
  );
}

function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}
