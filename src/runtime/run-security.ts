import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TlsOptions } from 'node:tls';
import type { Aedes } from 'aedes';
import type { Clock } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { type CommandGate, firmwareCommandGate, type GateMode } from '../fleet/command-gate.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import { OperatorConsole } from '../fleet/operator-console.ts';
import type { CommandSend } from '../fleet/twin.ts';
import type { BrokerHooks } from '../net/broker.ts';
import type { LinkEndpoint, LinkOpener } from '../net/device-link.ts';
import { CHANNELS, type DeviceAddress } from '../net/topics.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import { planOwnsBroker } from './network-binding.ts';
import { parseDeviceTopic } from '../net/security/acl.ts';
import { AuditLog } from '../net/security/audit-log.ts';
import { ConsentRegistry, ResearchExport } from '../net/security/privacy/consent.ts';
import { PseudonymRegistry } from '../net/security/privacy/pseudonyms.ts';
import { auditEntryOf } from '../net/security/audit-events.ts';
import { BrokerSecurity } from '../net/security/broker-security.ts';
import { type ChildSecurityHost, childSecuritySetup } from '../net/security/remote-security.ts';
import { CommandTrust } from '../net/security/command-trust.ts';
import type { SecurityEvent } from '../net/security/events.ts';
import { type ConsoleIdentity, IdentitySet, TWIN_CLIENT_ID } from '../net/security/identities.ts';
import { enabledControls, type SecurityConfig } from '../net/security/profile-schema.ts';
import { commandPermission } from '../net/security/roles.ts';
import { vendorKeys } from '../net/security/firmware/ota-offer.ts';
import { RunCertificateAuthority, type CertificateFiles } from '../net/security/tls-ca.ts';
import { clientTlsOptions, proxyTlsOptions, serverTlsOptions } from '../net/security/tls-options.ts';
import type { ProxyTls } from '../net/proxy/tls-termination.ts';
import type { SecurityResult } from '../scenario/result.ts';
import { planWantsIds } from './run-ids.ts';
import type { Plan } from '../scenario/plan.ts';
import type { BrokerHandle } from './broker-host.ts';
import type { ConnectOptionsFor } from './fleet-builder.ts';

export interface RunSecurityOptions {
  config: SecurityConfig;
  seed: string;
  fleet: FleetPlan;
  clock: Clock;
  log: EventLog;
  /** The run's delivery ledger: the run's own commands the broker drops are booked lost there. */
  ledger?: DeliveryLedger;
  /** Where `config.tls`'s relative paths start: the scenario file's folder. Default: the working directory. */
  baseDir?: string;
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
  readonly researchExport: ResearchExport | undefined;
  /** The run's pseudonyms for its patients (keyed by the seed): the only map back from a pseudonym. */
  readonly pseudonyms: PseudonymRegistry;
  readonly #patientOf: Map<string, string>;
  readonly #kindOf: Map<string, string>;
  readonly #options: RunSecurityOptions;
  #caPem: string | undefined;
  /** The run CA (under `tls`, unless the scenario brought its own broker certificate): it issues the fault proxies' certificate. */
  #ca: RunCertificateAuthority | undefined;
  #server: CertificateFiles | undefined;
  readonly #certificates = new Map<string, CertificateFiles>();
  readonly #gateModes = new Map<string, GateMode>();
  readonly #routes = new Map<string, OperatorConsole>();
  readonly #seen = new Set<string>();
  #reconnects = 0;
  #viaConsole = 0;
  #refusedByDevices = 0;
  #ownCommandsDenied = 0;
  #logClosed = false;

  /** Derives the identities and the broker's hooks; `prepare()` then makes the TLS material. */
  constructor(options: RunSecurityOptions) {
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
    this.audit = controls.auditLog ? new AuditLog() : undefined;
    // The research-export consumer: what leaves for research, under consent and pseudonyms (counted, not kept).
    this.pseudonyms = new PseudonymRegistry(seed);
    this.researchExport = controls.consent
      ? new ResearchExport(ConsentRegistry.of(config.consent), this.pseudonyms, { keep: false })
      : undefined;
    this.#patientOf = new Map(fleet.devices.map((d) => [d.id, d.patientId]));
    this.#kindOf = new Map(fleet.devices.map((d) => [d.id, d.kind]));
    log.subscribe((batch) => this.#onSealed(batch));
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

  /**
   * What the embedded broker needs (broker-host.ts), or undefined for an open run: in this process,
   * the hooks, listener and publish gate; in a child process (`child`), the same controls sent over
   * IPC — credential hashes, never passwords — with this run's clock answering the child and its
   * decisions recorded here (net/security/remote-security.ts).
   */
  brokerSetup(): { hooks?: BrokerHooks; tls?: TlsOptions; attach(aedes: Aedes): void; child?: ChildSecurityHost } | undefined {
    if (!this.active) return undefined;
    const options = this.brokerOptions();
    const broker = this.broker;
    const child: ChildSecurityHost | undefined =
      broker === undefined && options.tls === undefined
        ? undefined
        : {
            setup: () =>
              childSecuritySetup({
                controls: this.config.controls,
                lockout: this.config.lockout,
                identities: this.identities,
                ...(broker ? { broker } : {}),
                ...(options.tls ? { tls: options.tls } : {}),
              }),
            now: () => this.#options.clock.now(),
            onEvent: (event) => this.#onChildBrokerEvent(event),
          };
    return { ...options, attach: (aedes) => this.attach(aedes), ...(child ? { child } : {}) };
  }

  /** A decision of the broker in a child process: counted as the in-process broker counts its own, then handled alike. */
  #onChildBrokerEvent(event: SecurityEvent): void {
    const stats = this.broker?.stats;
    if (stats !== undefined) {
      if (event.type === 'auth.accepted') stats.accepted++;
      else if (event.type === 'auth.refused') stats.refused++;
      else if (event.type === 'auth.lockout') stats.lockouts++;
      else if (event.type === 'publish.denied') stats.publishesDenied++;
      else if (event.type === 'subscribe.denied') stats.subscribesDenied++;
    }
    this.#onBrokerEvent(event);
  }

  /**
   * Gives each device its firmware's command check (see commandGate), its bootloader's policy for
   * update images (the vendor's key, provisioned at manufacture; checked under `firmwarePolicy`) and,
   * under `pseudonyms`, its patient's pseudonym for every message it sends. When a device boots
   * another image, its command check becomes that image's: a patched version stops behaving
   * vulnerably, a downgraded or tampered one starts.
   */
  guard(agents: readonly DeviceAgent[]): void {
    const firmware = new Map(this.#options.fleet.devices.map((d) => [d.id, d.config.firmware]));
    const pseudonyms = this.config.controls.pseudonyms;
    const ota = { enforce: this.config.controls.firmwarePolicy, vendors: vendorKeys(this.#options.seed) };
    for (const agent of agents) {
      const device = { id: agent.deviceId, kind: agent.kind };
      agent.commandGate = this.commandGate({ ...device, firmware: firmware.get(agent.deviceId) });
      agent.ota = ota;
      agent.onFirmwareChanged = (running) => {
        agent.commandGate = this.commandGate({ ...device, firmware: running.version, genuine: running.genuine });
      };
      const patientId = this.#patientOf.get(agent.deviceId);
      if (pseudonyms && patientId !== undefined) agent.patientPseudonym = this.pseudonyms.pseudonymOf(patientId);
    }
  }

  /**
   * Makes the TLS material before the broker starts and clients connect: under `tls` the run CA and
   * the broker's certificate (or the files the scenario brought), under `mutualTls` a certificate per
   * identity (devices, the twin, consoles), one ECDSA key each. `brokerUrl`: the run was pointed at a
   * broker of its own (an external one): refused, since the controls live in medtwin's embedded broker.
   */
  async prepare(brokerUrl?: string): Promise<void> {
    if (brokerUrl !== undefined) {
      throw new InputError(
        'E_SECURITY_BROKER',
        `security "${this.config.profile}" is applied by medtwin's embedded broker, and ${brokerUrl} is another: drop --broker, or run with --security open`,
      );
    }
    const { controls } = this.config;
    if (!controls.tls || this.#caPem !== undefined) return;
    const files = this.config.tls && (await readTlsFiles(this.config.tls, this.#options.baseDir ?? process.cwd()));
    if (files) {
      // The scenario's own broker certificate: no run CA, so no client certificates (the schema says so too).
      if (controls.mutualTls) throw new Error('mutualTls needs the run CA: remove security.tls or switch mutualTls off');
      this.#caPem = files.ca;
      this.#server = { cert: files.cert, key: files.key };
      return;
    }
    const ca = await RunCertificateAuthority.create({ name: 'medtwin run CA' });
    this.#ca = ca;
    this.#server = await ca.issueServer();
    if (controls.mutualTls) {
      const all = [...this.identities.all()];
      for (let i = 0; i < all.length; i += 256) {
        await Promise.all(
          all.slice(i, i + 256).map(async (identity) => this.#certificates.set(identity.clientId, await ca.issueClient(identity.clientId))),
        );
      }
    }
    this.#caPem = ca.certPem;
  }

  /**
   * Where and as whom a client connects, given the run's default: the twin as its identity's client
   * id; its user name and password under `authentication`; the run CA under `tls`; its own
   * certificate under `mutualTls` (after `prepare`). Options transformed, not replaced: a URL another
   * layer chose (a fault proxy's) and TLS settings already given go through. A client id that is no
   * identity of the run goes as it came, and the broker decides.
   */
  endpointFor(client: { role: string }, defaults: LinkEndpoint): LinkEndpoint {
    if (!this.active) return defaults;
    const { controls } = this.config;
    let out = defaults;
    if (client.role === 'twin') out = { ...out, identity: { ...out.identity, clientId: this.twinClientId(out.identity.clientId) } };
    const identity = this.identities.get(out.identity.clientId);
    if (identity !== undefined && controls.authentication) {
      out = { ...out, identity: { ...out.identity, username: identity.username, password: identity.password.reveal() } };
    }
    if (this.#caPem !== undefined) {
      const own = controls.mutualTls && identity !== undefined ? this.#certificates.get(identity.clientId) : undefined;
      if (controls.mutualTls && identity !== undefined && own === undefined) {
        throw new Error(`no client certificate for ${identity.clientId}: call prepare() before connecting`);
      }
      const { ca } = clientTlsOptions(this.#caPem);
      out = { ...out, tls: { ca, ...(own ? { cert: own.cert, key: own.key } : {}), ...out.tls } };
    }
    return out;
  }

  /**
   * TLS for the run's fault proxies under `tls` (after `prepare`), or undefined: each proxy terminates
   * it (net/proxy/tls-termination.ts) with a certificate the run CA issues it (CN "medtwin fault
   * proxy") and verifies the broker with the CA; under `mutualTls` it requires each client's
   * certificate and presents that identity's own upstream. With the scenario's own broker certificate
   * (no run CA to issue one) the proxies present that certificate, as a TLS-terminating load balancer
   * holding the server's key does.
   */
  async proxyTls(): Promise<ProxyTls | undefined> {
    if (this.#caPem === undefined || this.#server === undefined) return undefined;
    const own = this.#ca ? await this.#ca.issueServer(['localhost', '127.0.0.1', '::1'], 'medtwin fault proxy') : this.#server;
    return proxyTlsOptions(this.#caPem, own, this.config.controls.mutualTls, (clientId) => this.#certificates.get(clientId));
  }

  /** The twin's client id given the run's default: its identity's under `authentication` or `mutualTls`, else the default. */
  twinClientId(defaultId: string): string {
    const { controls } = this.config;
    return this.active && (controls.authentication || controls.mutualTls) ? TWIN_CLIENT_ID : defaultId;
  }

  /** The firmware's command check of a device (undefined: it acts on any command that reaches it). */
  commandGate(device: { id: string; kind: string; firmware: string | undefined; genuine?: boolean }): CommandGate | undefined {
    const trust = this.trust;
    if (!this.config.controls.signedCommands || trust === undefined) return undefined;
    const { mode, gate } = firmwareCommandGate({
      deviceId: device.id,
      kind: device.kind,
      firmware: device.firmware,
      ...(device.genuine === false ? { genuine: false } : {}),
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

  /**
   * Connects the consoles that carry the run's commands: for each zone, the one that may send a
   * command and the one that may change a dose (see consoleFor) — usually the zone's clinician — and,
   * when the run offers firmware (a patch campaign), the one that may do that: the zone's biomed.
   */
  async connectConsoles(url: string, links: LinkOpener, options: { firmware?: boolean } = {}): Promise<void> {
    if (!this.consolesSendCommands) return;
    const { controls } = this.config;
    const zones = [...new Set(this.#options.fleet.devices.map((d) => d.zone))];
    const opened = new Map<string, OperatorConsole>();
    const needs = options.firmware ? (['command', 'dose', 'firmware'] as const) : (['command', 'dose'] as const);
    for (const zone of zones) {
      for (const needed of needs) {
        const identity = this.consoleFor(zone, needed);
        if (identity === undefined) continue;
        let console = opened.get(identity.clientId);
        if (console === undefined) {
          const signer = controls.signedCommands ? this.trust?.signer(identity.username) : undefined;
          console = new OperatorConsole({ identity, clock: this.#options.clock, mfa: controls.operatorMfa, ...(signer ? { signer } : {}) });
          await console.connect(this.endpointFor({ role: 'console' }, { url, identity: { clientId: identity.clientId } }), links);
          opened.set(identity.clientId, console);
        }
        this.#routes.set(`${zone}\n${needed}`, console);
      }
    }
  }

  /**
   * The console through which a `needed` command reaches `zone`: one whose role has that permission
   * and may read (it listens to the acks), the zone's own before a site-wide one, a clinician's before
   * another role's.
   */
  consoleFor(zone: string, needed: 'command' | 'dose' | 'firmware'): ConsoleIdentity | undefined {
    const candidates: ConsoleIdentity[] = [];
    for (const identity of this.identities.all()) {
      if (identity.type !== 'console' || !identity.permissions.includes('read') || !identity.permissions.includes(needed)) continue;
      if (identity.zone === undefined || identity.zone === zone) candidates.push(identity);
    }
    return candidates.sort((a, b) => rank(a) - rank(b) || a.clientId.localeCompare(b.clientId))[0];
  }

  /**
   * How a command to `address` travels: through its zone's console for it (connectConsoles), or
   * undefined — the twin's own connection — when no console may send it.
   */
  commandRoute(address: DeviceAddress, type: unknown): CommandSend | undefined {
    if (!this.consolesSendCommands) return undefined;
    const console = this.#routes.get(`${address.zone}\n${commandPermission(address.kind, type)}`);
    if (console === undefined) return undefined;
    const send: CommandSend = (target, body, seq) => {
      this.#viaConsole++;
      return console.send(target, body, seq).sent;
    };
    send.connected = () => console.connected;
    return send;
  }

  /**
   * Where and as whom an observer outside the run (the TUI's traffic view) reads `zone`'s traffic
   * (undefined: the whole site): without authentication its own client id, with the run's TLS; with
   * it, a console identity of the run that may read there and that the run does not connect itself —
   * connecting as a console the run uses would take over its session. A site-wide `security` console
   * first, then other site-wide ones, then the zone's. Undefined when no such identity exists.
   */
  observerEndpoint(defaults: LinkEndpoint, zone: string | undefined): LinkEndpoint | undefined {
    if (!this.active) return defaults;
    const { controls } = this.config;
    if (!controls.authentication && !controls.mutualTls) return this.endpointFor({ role: 'observer' }, defaults);
    const inUse = new Set([...this.#routes.values()].map((c) => c.identity.clientId));
    const candidates: ConsoleIdentity[] = [];
    for (const identity of this.identities.all()) {
      if (identity.type !== 'console' || !identity.permissions.includes('read') || inUse.has(identity.clientId)) continue;
      if (identity.zone === undefined || (zone !== undefined && identity.zone === zone)) candidates.push(identity);
    }
    const order = (i: ConsoleIdentity) => (i.role === 'security' ? 0 : 1) + (i.zone === undefined ? 0 : 2);
    const chosen = candidates.sort((a, b) => order(a) - order(b) || a.clientId.localeCompare(b.clientId))[0];
    if (chosen === undefined) return undefined;
    return this.endpointFor({ role: 'console' }, { url: defaults.url, identity: { clientId: chosen.clientId } });
  }

  /** The client certificate and key (PEM) the run issued `clientId` under `mutualTls` (after `prepare`). */
  clientCertificate(clientId: string): { cert: string; key: string } | undefined {
    const files = this.#certificates.get(clientId);
    return files === undefined ? undefined : { cert: files.cert, key: files.key };
  }

  /** The run CA's certificate (PEM) under `tls`, for tools and tests that connect to the run's broker. */
  get caCertificate(): string | undefined {
    return this.#caPem;
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
      ...(this.researchExport
        ? {
            researchExport: {
              released: this.researchExport.released,
              withheld: this.researchExport.withheld,
              patients: this.researchExport.releasedBy.size,
            },
          }
        : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.#routes.values())].map((c) => c.close()));
  }

  #onBrokerEvent(event: SecurityEvent): void {
    if (event.type === 'publish.denied' && event.topic.endsWith('/cmd') && this.#isOwn(event.clientId)) {
      // One of the run's own commands will never arrive: the ledger books it lost, so nothing waits for it.
      this.#ownCommandsDenied++;
      const device = parseDeviceTopic(event.topic, this.#options.fleet.site)?.deviceId;
      if (device !== undefined && event.seq !== undefined)
        this.#options.ledger?.lost(device, CHANNELS.cmd, event.seq, `denied by the broker: ${event.reason}`);
    }
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
    const exporter = this.researchExport;
    for (const event of batch) {
      if (exporter !== undefined && event.type === 'telemetry') {
        const patientId = this.#patientOf.get(event.source);
        if (patientId !== undefined)
          exporter.offer({
            patientId,
            t: event.t,
            kind: this.#kindOf.get(event.source),
            values: (event.data.body ?? {}) as Record<string, unknown>,
          });
      } else if (event.source === 'security' && event.type.startsWith(PREFIX)) {
        audit?.append(auditEntryOf({ ...event.data, t: event.t, type: event.type.slice(PREFIX.length) } as SecurityEvent));
      } else if (event.type === 'command.rejected' && /^(auth|firmware)\./.test(String(event.data.code))) {
        this.#refusedByDevices++;
        const firmware = String(event.data.code).startsWith('firmware.');
        audit?.append({
          t: event.t,
          action: firmware ? 'firmware.refused' : 'command.refused',
          actor: event.source,
          target: String(event.data.command),
          reason: String(event.data.code),
        });
      }
    }
  }
}

function rank(identity: ConsoleIdentity): number {
  return (identity.zone === undefined ? 2 : 0) + (identity.role === 'clinician' ? 0 : 1);
}

/**
 * The run's connect options with the security profile's applied first, then `then`'s (a fault
 * proxy's URL, say): each layer transforms what the one before decided.
 */
export function composeConnectOptions(security: RunSecurity, then: ConnectOptionsFor | undefined): ConnectOptionsFor {
  return (client, defaults) => {
    const secured = security.endpointFor(client, defaults);
    return then ? then(client, secured) : secured;
  };
}

/**
 * The broker URL to give a run of `plan` that shares `broker` (a CLI invocation's, a study's): a plan
 * under any security control gets none, so its run starts its own embedded broker whose hooks know
 * that run's identities (they differ per seed); an external broker is passed on, and the run refuses it
 * with the reason.
 */
export function secureBrokerUrl(plan: Plan, broker: Pick<BrokerHandle, 'url' | 'embedded'>): string | undefined {
  const secured = plan.security !== undefined && enabledControls(plan.security).length > 0;
  // The intrusion detector taps only a broker in the run's own process; a run that restarts its broker
  // (or sets its persistence) needs one of its own.
  return (secured || planWantsIds(plan) || planOwnsBroker(plan)) && broker.embedded ? undefined : broker.url;
}

/** The PEM text of a scenario's own broker certificate files (paths checked when the file loaded). */
async function readTlsFiles(
  paths: { ca: string; cert: string; key: string },
  baseDir: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const read = (path: string) => readFile(resolve(baseDir, path), 'utf8');
  const [ca, cert, key] = await Promise.all([read(paths.ca), read(paths.cert), read(paths.key)]);
  return { ca, cert, key };
}
