import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../core/event-log.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { parseTimeline } from '../../test/helpers/network-plans.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { createRunCore } from './run-core.ts';
import { defaultSyncMs, IN_THREAD_FOR_NETWORK_FAULTS, LINK_THREAD_THRESHOLD, type RunOptions } from './run-options.ts';
import { bootRun, buildRunParts, closeRun, openRunTransport, type RunParts } from './run-parts.ts';
import type { Transport } from './transport.ts';

/** The parts of a run of a small ward (2 simulated minutes unless `plan` says), with what their hooks heard. */
function partsFor(overrides: Parameters<typeof smallWard>[0] = {}, options: RunOptions = { port: 0 }) {
  const core = createRunCore(smallWard({ durationMs: 2 * 60_000, ...overrides }), options);
  const heard = { statuses: 0, batches: [] as LoggedEvent[][] };
  const parts = buildRunParts(core, DEFAULT_DEPENDENCIES, options, {
    status: () => heard.statuses++,
    events: (batch) => heard.batches.push(batch),
  });
  return { core, parts, heard };
}

/** Whether something still listens at `url` (a TCP connect succeeds). */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('run parts', () => {
  let open: { parts: RunParts; transport: Transport | undefined } | undefined;
  afterEach(async () => {
    if (open) await closeRun(open.parts, open.transport);
    open = undefined;
  });

  it('are built over one core: the same clock, log and ledger, the fleet’s window, the pace the mode asks for', () => {
    const { core, parts } = partsFor();
    expect(parts.core).toBe(core);
    expect(parts.fleet.twin.shadows.size).toBe(8);
    expect(parts.fleet.context(0).ledger).toBe(core.ledger);
    expect(parts.syncMs).toBe(defaultSyncMs(parts.fleet.telemetryPerSecond));
    expect(partsFor({}, { syncMs: 7_000 }).parts.syncMs).toBe(7_000);
    expect(parts.pacer.speed).toBe('max');
    expect(partsFor({}, { mode: 'realtime', speed: 5 }).parts.pacer.speed).toBe(5);
    expect(parts.loop.phase).toBe('created');
    // Nothing is opened by building: a run that never opened closes cleanly.
    return closeRun(parts, undefined);
  });

  it('open the transport, boot at t=0, run to the end and close, on a real broker', async () => {
    const timeline = parseTimeline([{ at: '30s', fault: 'sensor.dropout', target: { device: 'patient-monitor-001' }, for: '30s' }]);
    const commands = [{ at: 60_000, target: { device: 'infusion-pump-001' }, command: { type: 'infusion.pause' } }];
    const { core, parts, heard } = partsFor({ timeline, commands } as never);
    const transport = await openRunTransport(parts, (error) => {
      throw error;
    });
    open = { parts, transport };
    expect(transport.links).toBe('in-thread');
    expect(await listening(transport.broker.url)).toBe(true);

    const connected: number[] = [];
    const sent: [number, string, unknown][] = [];
    await bootRun(parts, transport, {
      connecting: (n) => connected.push(n),
      command: (deviceId, body) => {
        sent.push([core.clock.now(), deviceId, body.type]);
        parts.loop.requestSettle();
        parts.fleet.twin.command(deviceId, body, undefined);
      },
    });
    expect(connected.at(-1)).toBe(8);
    const recorded: string[] = [];
    core.log.onRecord((e) => recorded.push(`${e.type}@${e.t}`));
    parts.loop.phase = 'paused';
    await parts.loop.run();

    const events = heard.batches.flat();
    expect(events[0]).toMatchObject({ t: 0, type: 'run.started' });
    // The end is recorded (sealed with the rest when the log closes).
    expect(recorded.at(-1)).toBe('run.finished@120000');
    expect(parts.loop.phase).toBe('finished');
    expect(events.filter((e) => e.type.startsWith('fault.')).map((e) => [e.type, e.t])).toEqual([
      ['fault.injected', 30_000],
      ['fault.reverted', 60_000],
    ]);
    expect(sent).toEqual([[60_000, 'infusion-pump-001', 'infusion.pause']]);
    expect(heard.statuses).toBeGreaterThan(0);
    // Every message crossed: the settler waited on the ledger, not on a timeout.
    expect(core.ledger.inFlight).toBe(0);
    expect(core.ledger.channelTotals('cmd')).toMatchObject({ published: 1, delivered: 1 });
    expect(parts.settler.stalls).toBe(0);

    await closeRun(parts, transport);
    open = undefined;
    expect(await listening(transport.broker.url)).toBe(false);
  });

  it('keep a fleet large enough for a link thread on the simulation thread when it has network faults, and say why', async () => {
    const timeline = parseTimeline([{ at: '1m', fault: 'network.latency', target: { zone: 'icu' }, params: { latency: '200ms' } }]);
    const half = LINK_THREAD_THRESHOLD / 2;
    const fleet = {
      site: 'test-hospital',
      zones: [{ id: 'icu', beds: half, devices: { 'patient-monitor': half, 'infusion-pump': half } }],
    };
    // An external broker that is never reached: opening the transport connects nothing.
    const options: RunOptions = { brokerUrl: 'mqtt://127.0.0.1:1' };
    const faulted = partsFor({ timeline, fleet }, options).parts;
    expect(faulted.fleet.agents).toHaveLength(LINK_THREAD_THRESHOLD);
    const kept = await openRunTransport(faulted, () => {});
    expect([kept.links, kept.linksNote]).toEqual(['in-thread', IN_THREAD_FOR_NETWORK_FAULTS]);
    await closeRun(faulted, kept);
    // The same fleet without them gets its link thread, as its size says.
    const plain = partsFor({ fleet }, options).parts;
    const bySize = await openRunTransport(plain, () => {});
    expect([bySize.links, bySize.linksNote]).toEqual(['link-thread', undefined]);
    await closeRun(plain, bySize);
  });

  it('close what a boot that failed had opened', async () => {
    // Network faults need every client on the simulation thread: booting on a link thread when told to is refused.
    const timeline = parseTimeline([{ at: '1m', fault: 'network.latency', target: { zone: 'icu' }, params: { latency: '200ms' } }]);
    const { parts } = partsFor({ timeline }, { port: 0, links: 'link-thread' });
    const transport = await openRunTransport(parts, () => {});
    open = { parts, transport };
    await expect(bootRun(parts, transport, { connecting: () => {}, command: () => {} })).rejects.toMatchObject({
      code: 'E_NETWORK_LINK_THREAD',
    });
    await closeRun(parts, transport);
    open = undefined;
    expect(await listening(transport.broker.url)).toBe(false);
  });
});
