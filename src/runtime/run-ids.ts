import { InputError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import { BrokerTap } from '../defense/ids/broker-tap.ts';
import { type ChangeWindow, IdsContext } from '../defense/ids/context.ts';
import { type AlertData, type IdsAlert, IdsDetector } from '../defense/ids/detector.ts';
import { securityAlertTopic } from '../net/topics.ts';
import type { ObservedEvent } from '../defense/ids/observation.ts';
import type { IdsThresholds } from '../defense/ids/thresholds.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import type { Plan } from '../scenario/plan.ts';
import { IDS_ALERTS_KEPT, type IdsAlertRecord, type IdsResult } from '../scenario/result.ts';
import type { SecurityEvent } from '../net/security/events.ts';
import type { BrokerHandle } from './broker-host.ts';
import type { RunSecurity } from './run-security.ts';

/**
 * Whether a plan runs the intrusion detector: as its `ids` says, else when its timeline names an attack.
 * Such a run needs its own in-process broker (only that can be tapped).
 */
export function planWantsIds(plan: Pick<Plan, 'ids' | 'timeline'>): boolean {
  if (plan.ids !== undefined) return plan.ids !== false;
  return (plan.timeline ?? []).some((e) => e.fault.startsWith('attack.'));
}

/**
 * The refusal of a broker the detector cannot tap (`--broker`): on it the same seed would give other
 * alerts, verdicts and digest than on the embedded broker. RunControls raises it; the TUI says it before
 * taking over the screen.
 */
export function idsBrokerRefusal(brokerUrl: string): InputError {
  return new InputError(
    'E_IDS_BROKER',
    `the intrusion detector taps medtwin's embedded broker, and ${brokerUrl} is another: drop --broker, or set \`ids: false\` in the scenario to run its attacks unwatched`,
  );
}

export interface RunIdsOptions {
  fleetPlan: FleetPlan;
  clock: Clock;
  log: EventLog;
  /** The client id the run's twin connects under. */
  twinClientId: string;
  thresholds?: Partial<IdsThresholds>;
  /** The run's security controls, when a profile is applied: who authenticated as whom, what the broker dropped or refused. */
  security?: RunSecurity;
  /** Patch campaigns' change windows (patch-campaign.ts): version changes the detector should expect. */
  changeWindows?: readonly ChangeWindow[];
  /** Keep every observation (numbered) for the labelled dataset export (`--reporter dataset:DIR`). */
  keepObservations?: boolean;
}

/**
 * The intrusion detector in a run: a tap on the embedded broker feeding the detector, flushed each
 * time the run seals a window, so every alert enters the event log (source `ids`, type `ids.alert`)
 * at the simulated time of what raised it, in canonical order. Only an in-process broker can be
 * tapped: with a broker in a child process or an external one, `available` is false and nothing is
 * recorded.
 */
export class RunIds {
  readonly detector: IdsDetector;
  /** Every observation the detector numbered, when `keepObservations` asked for them. */
  readonly observations: ObservedEvent[] = [];
  #tap: BrokerTap | undefined;
  readonly #options: RunIdsOptions;
  /** The alerts as the sealed log numbered them: the report's account (counts, and the first in full). */
  readonly #bySeverity: Record<string, number> = {};
  readonly #byRule: Record<string, number> = {};
  readonly #first: IdsAlertRecord[] = [];
  /** The tapped broker, which also carries each alert to the security topic. */
  #aedes: BrokerHandle['aedes'];

  constructor(options: RunIdsOptions) {
    this.#options = options;
    const { fleetPlan, security } = options;
    const consoles =
      security === undefined
        ? undefined
        : [...security.identities.all()].flatMap((i) =>
            i.type === 'console' ? [{ clientId: i.clientId, role: i.role, zone: i.zone, permissions: i.permissions }] : [],
          );
    const context = new IdsContext(
      {
        site: fleetPlan.site,
        devices: fleetPlan.devices.map((d) => ({ id: d.id, kind: d.kind, zone: d.zone })),
        twinClientIds: [options.twinClientId],
        ...(options.changeWindows?.length ? { changeWindows: options.changeWindows } : {}),
        ...(consoles === undefined ? {} : { consoles }),
      },
      options.thresholds,
    );
    const keep = options.keepObservations ? { onObservation: (o: ObservedEvent) => this.observations.push(o) } : {};
    this.detector = new IdsDetector(context, undefined, keep);
    // Read back from the sealed log, so the report's alerts carry their event ids in canonical order.
    options.log.subscribe((batch) => {
      for (const event of batch) if (event.type === 'ids.alert' && event.source === 'ids') this.#tally(event);
    });
  }

  #tally(event: LoggedEvent): void {
    const data = event.data as unknown as AlertData;
    this.#bySeverity[data.severity] = (this.#bySeverity[data.severity] ?? 0) + 1;
    this.#byRule[data.rule] = (this.#byRule[data.rule] ?? 0) + 1;
    if (this.#first.length < IDS_ALERTS_KEPT)
      this.#first.push({
        eventId: event.id,
        t: event.t,
        rule: data.rule,
        severity: data.severity,
        techniques: [...data.techniques],
        clientId: data.clientId,
        ...(data.device === undefined ? {} : { device: data.device }),
        summary: data.summary,
      });
  }

  /** The detector's part of the run's result: whether it could watch, what it observed and the alerts it raised. */
  result(): IdsResult {
    const stats = this.detector.stats;
    return {
      available: this.available,
      observations: stats.observations,
      alerts: Object.values(this.#byRule).reduce((a, b) => a + b, 0),
      suppressed: stats.suppressed,
      bySeverity: { ...this.#bySeverity },
      byRule: { ...this.#byRule },
      first: this.#first.map((a) => ({ ...a, techniques: [...a.techniques] })),
    };
  }

  /** Taps the broker if it runs in this process; false otherwise. */
  attach(broker: BrokerHandle): boolean {
    if (broker.aedes === undefined) return false;
    this.#aedes = broker.aedes;
    broker.onRestart?.((aedes) => {
      this.#aedes = aedes;
    });
    const security = this.#options.security?.broker;
    const tap = new BrokerTap({ now: () => this.#options.clock.now(), ...(security === undefined ? {} : { security }) });
    tap.attach(broker.aedes);
    // A restarted broker is a new aedes: the sensor follows it (network.broker-restart).
    broker.onRestart?.((aedes) => tap.attach(aedes));
    this.#tap = tap;
    broker.onLog?.((event) => {
      if (event.type === 'client.error' && event.cause !== undefined)
        tap.brokerError({ cause: event.cause, error: event.error, ...(event.port === undefined ? {} : { port: event.port }) });
    });
    // Refused logins and lockouts reach the log as `security.*` events (run-security.ts); the tap takes them from there.
    this.#options.log.onRecord((event) => {
      if (event.source !== 'security' || (event.type !== 'security.auth.refused' && event.type !== 'security.auth.lockout')) return;
      tap.securityEvent({ ...event.data, t: event.t, type: event.type.slice('security.'.length) } as unknown as SecurityEvent);
    });
    return true;
  }

  get available(): boolean {
    return this.#tap !== undefined;
  }

  /** Runs the detector over everything observed up to `t` and records its alerts (call before sealing `t`). */
  flush(t: number): void {
    if (this.#tap === undefined) return;
    for (const alert of this.detector.observe(this.#tap.drain(t))) {
      this.#options.log.record(alert);
      this.#publish(alert);
    }
  }

  /**
   * Publishes an alert on the site's security topic (securityAlertTopic), as the broker's own message:
   * a SIEM or the security team's console subscribes there. QoS 1, so a persistent session keeps what
   * arrives while it is away. Not part of the digest: the event log already holds the alert, and no
   * device, twin or adversary reads `$SYS` topics into the log.
   */
  #publish(alert: IdsAlert): void {
    const aedes = this.#aedes;
    if (aedes === undefined || aedes.closed) return;
    const payload = Buffer.from(JSON.stringify({ t: alert.t, ...alert.data }));
    const packet = { cmd: 'publish', topic: securityAlertTopic(this.#options.fleetPlan.site), payload, qos: 1, retain: false, dup: false };
    aedes.publish(packet as Parameters<typeof aedes.publish>[0], () => {});
  }
}
