import type { Clock } from '../core/clock.ts';
import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import type { ChangeWindow } from '../defense/ids/context.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { offerBody, publishedImage } from '../net/security/firmware/ota-offer.ts';
import type { CampaignResult } from '../scenario/result.ts';
import type { CampaignEntry, Selector } from '../scenario/schema.ts';
import { matchDevices, pickDevices, type TagLookup } from './selector.ts';

/** The campaign's id: its own, or `campaign#<index>`. */
export function campaignId(entry: CampaignEntry, index: number): string {
  return entry.id ?? `campaign#${index}`;
}

/**
 * The change windows of a plan's campaigns (one per stage): what a hospital's change record tells its
 * security team. A stage that picks a count or fraction of a zone's devices opens the window for the
 * whole zone — the record names the zone, not the draw.
 */
export function changeWindows(campaigns: readonly CampaignEntry[]): ChangeWindow[] {
  return campaigns.flatMap((entry, index) =>
    entry.stages.map((stage) => {
      const from = entry.at + stage.after;
      const devices = stage.device === undefined ? undefined : [stage.device].flat();
      return {
        campaign: campaignId(entry, index),
        kind: entry.kind,
        to: entry.to,
        ...(stage.zone === undefined ? {} : { zone: stage.zone }),
        ...(devices === undefined ? {} : { devices }),
        from,
        until: from + entry.window,
      };
    }),
  );
}

export interface PatchCampaignsOptions {
  campaigns: readonly CampaignEntry[];
  seed: string | number;
  clock: Clock;
  log: EventLog;
  /** The run's root stream: campaign `id` draws from forks `campaign:<id>:...`. */
  rng: Rng;
  agents: readonly DeviceAgent[];
  tagsOf: TagLookup;
}

/** Sends a command as the run does (through the zone's biomed console when the profile asks; counted and settled). */
type Send = (deviceId: string, command: Record<string, unknown>) => void;

interface Tally {
  zone: string;
  offered: number;
  patched: number;
  failed: number;
  rolledBack: number;
  refused: number;
}

/**
 * The run's patch campaigns: at each stage's time, the vendor-signed image of the campaign's version
 * (signImage with the vendor key from the seed) is offered to each device the stage selects, as a
 * `firmware.update` command. Whether a device's install fails is drawn per device and campaign from
 * the seed (`failureRate`), and handed to the device as a boot fault before the offer; what happens
 * then is the device's (device-firmware.ts, agent.ts). The tally reads the devices' own events.
 */
export class PatchCampaigns {
  readonly #options: PatchCampaignsOptions;
  /** Per campaign id: per zone tallies, and the campaign each offered device belongs to. */
  readonly #tallies = new Map<string, Map<string, Tally>>();
  readonly #offeredTo = new Map<string, { campaign: string; zone: string; to: string }>();

  constructor(options: PatchCampaignsOptions) {
    this.#options = options;
    options.log.subscribe((batch) => this.#onSealed(batch));
  }

  /** Schedules every stage of every campaign on the clock; offers go out through `send`. */
  start(send: Send): void {
    const { campaigns, clock } = this.#options;
    campaigns.forEach((entry, index) => {
      const id = campaignId(entry, index);
      this.#tallies.set(id, new Map());
      entry.stages.forEach((stage, n) => {
        clock.setTimeout(() => this.#runStage(entry, id, n, send), entry.at + stage.after);
      });
    });
  }

  /** Per campaign, per zone: devices offered the image, patched, failed (left down), rolled back, refused it. */
  result(): CampaignResult[] {
    return this.#options.campaigns.map((entry, index) => {
      const id = campaignId(entry, index);
      const zones = [...(this.#tallies.get(id)?.values() ?? [])].sort((a, b) => a.zone.localeCompare(b.zone));
      return { id, kind: entry.kind, to: entry.to, zones: zones.map((z) => ({ ...z })) };
    });
  }

  #runStage(entry: CampaignEntry, id: string, n: number, send: Send): void {
    const { clock, log, rng, agents, tagsOf, seed } = this.#options;
    const stage = entry.stages[n]!;
    const { after: _after, ...fields } = stage;
    const selector: Selector = { ...fields, kind: entry.kind };
    const where = `campaigns[${id}].stages[${n}]`;
    const devices = pickDevices(selector, matchDevices(selector, agents, { tagsOf, where }), rng.fork(`campaign:${id}:stage:${n}`));
    const image = publishedImage(seed, entry.kind, entry.to);
    const body = offerBody(image, entry.rollback ? 'rollback' : 'stay-down');
    log.record({
      t: clock.now(),
      source: 'campaign',
      type: 'campaign.stage',
      data: { campaign: id, devices: devices.map((d) => d.deviceId), kind: entry.kind, stage: n, to: entry.to },
    });
    for (const device of devices) {
      const tally = this.#tally(id, device.zone);
      tally.offered++;
      this.#offeredTo.set(device.deviceId, { campaign: id, zone: device.zone, to: entry.to });
      // One draw per device and campaign, whatever else the run does: a flash or boot fault.
      if (rng.fork(`campaign:${id}:install:${device.deviceId}`).next() < entry.failureRate) device.failNextInstall();
      send(device.deviceId, { ...body, commandId: `${id}:${device.deviceId}` });
    }
  }

  #tally(id: string, zone: string): Tally {
    const zones = this.#tallies.get(id)!;
    let tally = zones.get(zone);
    if (tally === undefined) zones.set(zone, (tally = { zone, offered: 0, patched: 0, failed: 0, rolledBack: 0, refused: 0 }));
    return tally;
  }

  #onSealed(batch: readonly LoggedEvent[]): void {
    if (this.#offeredTo.size === 0) return;
    for (const event of batch) {
      const offered = this.#offeredTo.get(event.source);
      if (offered === undefined) continue;
      const tally = this.#tally(offered.campaign, offered.zone);
      if (event.type === 'firmware.installed' && event.data.to === offered.to) tally.patched++;
      else if (event.type === 'firmware.install-failed' && event.data.to === offered.to) {
        if (event.data.rolledBack === true) tally.rolledBack++;
        else tally.failed++;
      } else if (event.type === 'firmware.rejected' && event.data.version === offered.to) tally.refused++;
    }
  }
}
