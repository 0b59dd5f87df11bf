import type { TlsOptions } from 'node:tls';
import type { Aedes } from 'aedes';
import type { Clock } from '../core/clock.ts';
import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import { type CommandGate, firmwareCommandGate, type GateMode } from '../fleet/command-gate.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import { OperatorConsole } from '../fleet/operator-console.ts';
import type { CommandSend } from '../fleet/twin.ts';
import type { BrokerHooks } from '../net/broker.ts';
import type { LinkOpener, LinkOptions, LinkTls } from '../net/device-link.ts';
import type { DeviceAddress } from '../net/topics.ts';
import { AuditLog } from '../net/security/audit-log.ts';
import { auditEntryOf } from '../net/security/audit-events.ts';
import { BrokerSecurity } from '../net/security/broker-security.ts';
import { CommandTrust } from '../net/security/command-trust.ts';
import type { SecurityEvent } from '../net/security/events.ts';
import { type ConsoleIdentity, IdentitySet, TWIN_CLIENT_ID } from '../net/security/identities.ts';
import { enabledControls, type SecurityConfig } from '../net/security/profile-schema.ts';
import { isDoseCommand } from '../net/security/roles.ts';
import { RunCertificateAuthority, type CertificateFiles } from '../net/security/tls-ca.ts';
import { clientTlsOptions, serverTlsOptions } from '../net/security/tls-options.ts';
import type { SecurityResult } from '../scenario/result.ts';

export interface RunSecurityOptions {
  config: SecurityConfig;
  seed: string;
  fleet: FleetPlan;
  clock: Clock;
  log: EventLog;
  /** PEM text of `config.tls`'s files, already read (the caller resolves paths against the scenario). */
  tlsFiles?: { ca: string; cert: string; key: string };
}

/** Event types the run's security records, `security.<SecurityEvent type>` in the event log. */
const PREFIX = 'security.';

/**
 * A run's security profile applied to its real traffic (docs/security.md): the identities of every
 * device, the twin and the operator consoles from the seed; the broker's hooks (authentication,
 * lockout, ACLs, the operators' second factor) and its TLS listener; each client's credentials and
 * certificates, added to its link options on their way to whatever opens the link (so other layers —
 * a fault proxy — can transform the same options); each device's firmware check of signed commands;
 * the consoles through which the run's commands go; and the hash-chained audit log.
 *
 * What it records is deterministic: broker decisions are stamped with the run's clock, and an own
 * client's later reconnections (whose timing is the network's, not the simulation's) are counted but
 * not logged. The audit log is built from the sealed event log, so it is in canonical order too.
 */
export class RunSecurity {
  readonly config: SecurityConfig;
  readonly identities: IdentitySet;
  readonly trust: CommandTrust | undefined;
  readonly broker: BrokerSecurity | undefined;
  readonly audit: AuditLog | undefined;
  readonly #options: RunSecurityOptions;
  readonly #ca: RunCertificateAuthority | undefined;
  readonly #caPem: string | undefined;
  readonly #server: CertificateFiles | undefined;
  readonly #certificates = new Map<string, Promise<CertificateFiles>>();
  readonly #gateModes = new Map<string, GateMode>();
  readonly #consoles: OperatorConsole[] = [];
  readonly #seen = new Set<string>();
  #reconnects = 0;
  #viaConsole = 0;
  #refusedByDevices = 0;
  #ownCommandsDenied = 0;
  #logClosed = false;

  private constructor(options: RunSecurityOptions, tls: { ca?: RunCertificateAuthority; caPem: string; server: CertificateFiles } | undefined) {
    this.#options = options;
    const { config, seed, fleet, clock, log } = options;
    this.config = config;
    const zones = [...new Set(fleet.devices.map((d) => d.zone))];
    this.identities = IdentitySet.derive(seed, { site: fleet.site, zones, devices: fleet.devices }, config);
    const { controls } = config;
    this.trust = controls.signedCommands || controls.operatorMfa ? new CommandTrust(seed, this.identities, config.roles) : undefined;
    this.broker =
      controls.authentication || controls.mutualTls || controls.acl || controls.operatorMfa
        ? new BrokerSecurity({
            controls,
            lockout: config.lockout,
            identities: this.identities,
            seed,
            now: () => clock.now(),
            onEvent: (event) => this.#onBrokerEvent(event),
          })
        : undefined;
    this.#ca = tls?.ca;
    this.#caPem = tls?.caPem;
    this.#server = tls?.server;
    this.audit = controls.auditLog ? new AuditLog() : undefined;
    log.subscribe((batch) => this.#onSealed(batch));
  }

  /** Builds the run's security; generates the run CA and the broker's certificate when TLS is on. */
  static async create(options: RunSecurityOptions): Promise<RunSecurity> {
    if (!options.config.controls.tls) return new RunSecurity(options, undefined);
    if (options.tlsFiles !== undefined) {
      // A broker certificate the user brought: no run CA, so no client certificates can be issued.
      if (options.config.controls.mutualTls) {
        throw new Error('mutualTls with certificate files of your own is not supported: the run issues client certificates from its own CA');
      }
      const { ca, cert, key } = options.tlsFiles;
      return new RunSecurity(options, { caPem: ca, server: { cert, key } });
    }
    const ca = await RunCertificateAuthority.create({ name: 'medtwin run CA' });
    return new RunSecurity(options, { ca, caPem: ca.certPem, server: await ca.issueServer() });
  }

  /** True when any control is on; an open run keeps every path exactly as it was. */
  get active(): boolean {
    return enabledControls(this.config).length > 0;
  }

  /** Options for the embedded broker: the hooks and, under `tls`, a TLS-only listener. */
  brokerOptions(): { hooks?: BrokerHooks; tls?: TlsOptions } {
    return {
      ...(this.broker ? { hooks: this.broker.hooks } : {}),
      ...(this.#server && this.#caPem ? { tls: serverTlsOptions(this.#caPem, this.#server, this.config.controls.mutualTls) } : {}),
    };
  }

  /** Once the broker runs: installs the publish gate (a denied PUBLISH is dropped, the client stays). */
  attach(aedes: Aedes): void {
    this.broker?.attach(aedes);
  }

  /** The twin's client id: its identity's when clients log in, otherwise `fallback`. */
  twinClientId(fallback: string): string {
    return this.config.controls.authentication || this.config.controls.mutualTls ? TWIN_CLIENT_ID : fallback;
  }

  /**
   * `links` with each link's options completed for its identity (found by client id): its user name
   * and password under `authentication`, the run CA under `tls`, its own certificate under
   * `mutualTls`. A client id that is no identity of the run goes as it came (and the broker decides).
   */
  secureLinks(links: LinkOpener): LinkOpener {
    if (!this.active) return links;
    return { open: async (options, onMessage) => links.open(await this.secureOptions(options), onMessage) };
  }

  /** One link's options, completed (see secureLinks). */
  async secureOptions(options: LinkOptions): Promise<LinkOptions> {
    const { controls } = this.config;
    const identity = this.identities.get(options.identity.clientId);
    let out = options;
    if (identity !== undefined && controls.authentication) {
      out = { ...out, identity: { ...out.identity, username: identity.username, password: identity.password.reveal() } };
    }
    if (this.#caPem !== undefined) {
      const tls: LinkTls = { ...clientTlsOptions(this.#caPem), ...(out.tls ?? {}) };
      if (controls.mutualTls && identity !== undefined) Object.assign(tls, await this.#certificateOf(identity.clientId));
      out = { ...out, tls: { ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) } };
    }
    return out;
  }

  #certificateOf(clientId: string): Promise<CertificateFiles> {
    let files = this.#certificates.get(clientId);
    if (files === undefined) {
      if (this.#ca === undefined) throw new Error('no run CA to issue client certificates from');
      files = this.#ca.issueClient(clientId);
      this.#certificates.set(clientId, files);
    }
    return files;
  }

  /** The firmware's command check of a device (undefined: it acts on any command that reaches it). */
  commandGate(device: { id: string; kind: string; firmware: string | undefined }): CommandGate | undefined {
    const trust = this.trust;
    if (!this.config.controls.signedCommands || trust === undefined) return undefined;
    const { mode, gate } = firmwareCommandGate({
      deviceId: device.id,
      kind: device.kind,
      firmware: device.firmware,
      issuers: trust.issuers,
      permits: (role, type) => trust.permits(device.kind, role, type),
      freshnessMs: this.config.commands.freshnessMs,
    });
    this.#gateModes.set(device.id, mode);
    return gate;
  }

  /** Whether the run's commands go through operator consoles (any control that authenticates or signs them). */
  get consolesSendCommands(): boolean {
    const { authentication, signedCommands, operatorMfa } = this.config.controls;
    return authentication || signedCommands || operatorMfa;
  }

  /** Connects the consoles that send commands: those whose role may command and read. */
  async connectConsoles(url: string, links: LinkOpener): Promise<void> {
    if (!this.consolesSendCommands) return;
    const { controls } = this.config;
    for (const identity of this.identities.all()) {
      if (identity.type !== 'console') continue;
      const p = identity.permissions;
      if (!p.includes('read') || !(p.includes('command') || p.includes('dose'))) continue;
      const signer = controls.signedCommands ? this.trust?.signer(identity.username) : undefined;
      const console = new OperatorConsole({ identity, clock: this.#options.clock, mfa: controls.operatorMfa, ...(signer ? { signer } : {}) });
      await console.connect(url, this.secureLinks(links));
      this.#consoles.push(console);
    }
  }

  /**
   * How a command to `address` travels: through the console of its zone whose role may send it (a
   * clinician's for a dose change), or undefined — the twin's own connection — when no console may.
   */
  commandRoute(address: DeviceAddress, type: unknown): CommandSend | undefined {
    if (!this.consolesSendCommands) return undefined;
    const needed = isDoseCommand(address.kind, type) ? 'dose' : 'command';
    const fits = (c: ConsoleIdentity) => c.permissions.includes(needed) && (c.zone === undefined || c.zone === address.zone);
    const candidates = this.#consoles.filter((c) => fits(c.identity));
    // The zone's own console before a site-wide one; a clinician's before another role's.
    candidates.sort((a, b) => rank(a.identity) - rank(b.identity));
    const console = candidates[0];
    if (console === undefined) return undefined;
    return (target, body) => {
      this.#viaConsole++;
      console.send(target, body);
    };
  }

  /** Commands the run's own consoles or twin sent that the broker dropped: never delivered, accounted lost. */
  get ownCommandsDenied(): number {
    return this.#ownCommandsDenied;
  }

  /** The log closes with the run's result; events after it (clients shutting down) are not the run's. */
  closeLog(): void {
    this.#logClosed = true;
  }

  /** What the report says about security. */
  result(): SecurityResult {
    const gates = { verify: 0, 'signature-only': 0, none: 0 };
    for (const mode of this.#gateModes.values()) gates[mode]++;
    const stats = this.broker?.stats;
    return {
      profile: this.config.profile,
      controls: enabledControls(this.config),
      identities: this.identities.size,
      broker: stats
        ? {
            accepted: stats.accepted,
            refused: stats.refused,
            lockouts: stats.lockouts,
            publishesDenied: stats.publishesDenied,
            subscribesDenied: stats.subscribesDenied,
            reconnects: this.#reconnects,
          }
        : undefined,
      commands: { viaConsole: this.#viaConsole, refusedByDevices: this.#refusedByDevices, deniedAtBroker: this.#ownCommandsDenied },
      ...(this.config.controls.signedCommands ? { commandChecks: gates } : {}),
      ...(this.audit ? { audit: { records: this.audit.length, head: this.audit.head } } : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#consoles.map((c) => c.close()));
  }

  #onBrokerEvent(event: SecurityEvent): void {
    if (event.type === 'publish.denied' && event.topic.endsWith('/cmd') && this.#isOwn(event.clientId)) this.#ownCommandsDenied++;
    if (event.type === 'auth.accepted' || event.type === 'subscribe.accepted') {
      const key = `${event.type}\n${event.clientId}\n${event.type === 'subscribe.accepted' ? event.filter : ''}`;
      if (this.#isOwn(event.clientId) && this.#seen.has(key)) {
        if (event.type === 'auth.accepted') this.#reconnects++;
        return;
      }
      this.#seen.add(key);
    }
    if (this.#logClosed) return;
    const { t, type, ...data } = event;
    this.#options.log.record({ t, source: 'security', type: `${PREFIX}${type}`, data });
  }

  #isOwn(clientId: string): boolean {
    return this.identities.get(clientId) !== undefined;
  }

  /** Counts the devices' refusals of commands and, under auditLog, appends them and the broker's decisions to the audit log. */
  #onSealed(batch: readonly LoggedEvent[]): void {
    const audit = this.audit;
    for (const event of batch) {
      if (event.source === 'security' && event.type.startsWith(PREFIX)) {
        audit?.append(auditEntryOf({ ...event.data, t: event.t, type: event.type.slice(PREFIX.length) } as SecurityEvent));
      } else if (event.type === 'command.rejected' && String(event.data.code).startsWith('auth.')) {
        this.#refusedByDevices++;
        audit?.append({ t: event.t, action: 'command.refused', actor: event.source, target: String(event.data.command), reason: String(event.data.code) });
      }
    }
  }
}

function rank(identity: ConsoleIdentity): number {
  return (identity.zone === undefined ? 2 : 0) + (identity.role === 'clinician' ? 0 : 1);
}
