import type { TLSSocket } from 'node:tls';
import type { Aedes, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { BrokerHooks } from '../broker.ts';
import { canPublish, canReceive, canSubscribe } from './acl.ts';
import { authorizeCommand } from './command-policy.ts';
import type { Controls } from './controls.ts';
import { CredentialStore } from './credential-store.ts';
import type { ConnectRefusal, SecurityEvent } from './events.ts';
import type { Identity, IdentitySet } from './identities.ts';
import { type LockoutPolicy, LockoutTracker } from './lockout.ts';
import { OperatorMfa } from './mfa.ts';

export interface BrokerSecurityOptions {
  controls: Pick<Controls, 'authentication' | 'lockout' | 'acl' | 'mutualTls' | 'operatorMfa'>;
  lockout: LockoutPolicy;
  identities: IdentitySet;
  /** The scenario seed (salts come from it, like every other random number of a run). */
  seed: string | number;
  /** The run's clock: lockout windows, TOTP steps and event times. */
  now: () => number;
  /**
   * Called with every decision. A promise returned holds the decision back until it settles: a broker
   * in a child process has its parent record the event before the client sees the outcome
   * (remote-security.ts), so the event is logged at the run time of the decision.
   */
  onEvent?: (event: SecurityEvent) => unknown;
  /**
   * Brings `now` up to date before a decision that reads it (a login, an operator's second factor);
   * a broker in a child process asks its parent for the run's time. Absent: `now` is always current.
   */
  sync?: () => Promise<void>;
  /** The password hashes to check logins against (a child broker gets them from its parent); default: made from the identities. */
  credentials?: CredentialStore;
}

export interface BrokerSecurityStats {
  accepted: number;
  refused: number;
  lockouts: number;
  publishesDenied: number;
  subscribesDenied: number;
  forwardsDenied: number;
}

/** MQTT 3.1.1 §3.2.2.3 return code 5: "Connection Refused, not authorized". */
function notAuthorized(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: 5 }) as AuthenticateError;
}

/**
 * The broker side of the controls, as aedes hooks (`hooks`, given to EmbeddedBroker.start) plus a
 * publish gate (`attach`, once the broker runs):
 * - authenticate: a user name that is a known identity, its client id, its password (scrypt), not
 *   locked out, a client certificate whose CN is the client id under mutual TLS, and a last will the
 *   ACL allows — or CONNACK 5 "not authorised" and the connection closed [MQTT-3.2.2-5];
 * - authorizeSubscribe: a filter the ACL refuses gets return code 0x80 in its SUBACK [MQTT-3.9.3];
 * - authorizePublish: a refused PUBLISH is dropped and logged, and the client stays connected — MQTT
 *   3.1.1 has no way to tell it, so the broker acknowledges it as the QoS requires [MQTT-3.3.5-2];
 *   a refused last will is simply not published;
 * - authorizeForward: nothing reaches an identity that it could not have subscribed to.
 * Every decision is reported to `onEvent` with the run's time, for the event and audit logs.
 */
export class BrokerSecurity {
  readonly hooks: BrokerHooks;
  readonly stats: BrokerSecurityStats = {
    accepted: 0,
    refused: 0,
    lockouts: 0,
    publishesDenied: 0,
    subscribesDenied: 0,
    forwardsDenied: 0,
  };
  readonly #options: BrokerSecurityOptions;
  readonly #store: CredentialStore;
  readonly #lockout: LockoutTracker | undefined;
  readonly #mfa: OperatorMfa | undefined;
  readonly #identityOf = new WeakMap<Client, Identity>();
  readonly #willOf = new WeakMap<Client, { topic: string }>();
  readonly #dropped = new WeakSet<object>();
  #attached = false;

  constructor(options: BrokerSecurityOptions) {
    this.#options = options;
    this.#store = options.credentials ?? new CredentialStore(options.identities, options.seed);
    this.#lockout = options.controls.lockout ? new LockoutTracker(options.lockout, options.now) : undefined;
    this.#mfa = options.controls.operatorMfa ? new OperatorMfa(options.now) : undefined;
    const { authentication, acl, mutualTls } = options.controls;
    const hooks: BrokerHooks = {};
    if (authentication || mutualTls) {
      hooks.preConnect = (client, packet, callback) => {
        if (packet.will) this.#willOf.set(client, { topic: packet.will.topic });
        callback(null, true);
      };
      hooks.authenticate = (client, username, password, done) => {
        this.#authenticateSynced(client, username, password).then(
          (refusal) => {
            if (refusal === undefined) return done(null, true);
            done(notAuthorized(`not authorised: ${refusal}`), false);
          },
          (error: Error) => done(notAuthorized(error.message), false),
        );
      };
    }
    if (acl || options.controls.operatorMfa) {
      const sync = options.sync;
      hooks.authorizePublish =
        sync === undefined
          ? (client, packet, callback) => this.#authorizePublish(client, packet, callback)
          : (client, packet, callback) => {
              // Only an operator's second factor reads the clock; every other publish is decided at once.
              if (this.#mfa === undefined || !packet.topic.endsWith('/cmd')) return this.#authorizePublish(client, packet, callback);
              sync().then(
                () => this.#authorizePublish(client, packet, callback),
                (error: Error) => callback(error),
              );
            };
    }
    if (acl) {
      hooks.authorizeSubscribe = (client, sub, callback) => {
        const identity = this.#identityOf.get(client);
        const decision =
          identity === undefined ? { allowed: false as const, reason: 'not authenticated' } : canSubscribe(identity, sub.topic);
        if (decision.allowed) {
          return this.#then(
            this.#emit({ type: 'subscribe.accepted', t: this.#options.now(), clientId: client.id, filter: sub.topic }),
            () => callback(null, sub),
          );
        }
        this.stats.subscribesDenied++;
        this.#then(
          this.#emit({ type: 'subscribe.denied', t: this.#options.now(), clientId: client.id, filter: sub.topic, reason: decision.reason }),
          () => callback(null, null),
        );
      };
      hooks.authorizeForward = (client, packet) => {
        const identity = this.#identityOf.get(client);
        if (identity !== undefined && canReceive(identity, packet.topic)) return packet;
        this.stats.forwardsDenied++;
        return null;
      };
    }
    this.hooks = hooks;
  }

  /** Installs the publish gate on a running broker; until then a refused PUBLISH closes its connection instead. */
  attach(aedes: Aedes): void {
    if (this.#attached) return;
    this.#attached = true;
    const publish = aedes.publish.bind(aedes) as unknown as (
      packet: PublishPacket,
      client: Client | null,
      done: (error?: Error) => void,
    ) => void;
    (aedes as unknown as { publish: typeof publish }).publish = (packet, client, done) => {
      if (this.#dropped.has(packet)) return done();
      publish(packet, client, done);
    };
  }

  /** True when the publish gate dropped this packet (a sensor on the broker, e.g. the IDS, marks it undelivered). */
  wasDropped(packet: object): boolean {
    return this.#dropped.has(packet);
  }

  /** Every identity's password hash, for a broker in another process (remote-security.ts). */
  credentialHashes(): ReturnType<CredentialStore['hashAll']> {
    return this.#store.hashAll();
  }

  /** The identity a connected client authenticated as. */
  identityOf(client: Client): Identity | undefined {
    return this.#identityOf.get(client);
  }

  /** #authenticate with the clock brought up to date first, and its events delivered before the outcome. */
  async #authenticateSynced(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<ConnectRefusal | undefined> {
    await this.#options.sync?.();
    const pending: Promise<void>[] = [];
    const refusal = await this.#authenticate(client, username, password, pending);
    await Promise.all(pending);
    return refusal;
  }

  async #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    pending: Promise<void>[],
  ): Promise<ConnectRefusal | undefined> {
    const { controls, identities, now } = this.#options;
    const emit = (event: SecurityEvent) => {
      const delivered = this.#emit(event);
      if (delivered !== undefined) pending.push(delivered);
    };
    const refuse = (reason: ConnectRefusal) => {
      this.stats.refused++;
      emit({ type: 'auth.refused', t: now(), clientId: client.id, username, reason });
      return reason;
    };
    if (controls.mutualTls) {
      const refusal = this.#checkCertificate(client);
      if (refusal !== undefined) return refuse(refusal);
    }
    if (!controls.authentication) return undefined;
    if (username === undefined || username === '') return refuse('anonymous');
    const identity = identities.get(username);
    if (identity === undefined) {
      await this.#store.verify(username, password);
      return refuse('unknown-identity');
    }
    if (client.id !== identity.clientId) return refuse('client-id-mismatch');
    if (this.#lockout?.lockedUntil(username) !== undefined) return refuse('locked-out');
    if (!(await this.#store.verify(username, password))) {
      const outcome = this.#lockout?.recordFailure(username);
      if (outcome?.locked) {
        this.stats.lockouts++;
        emit({ type: 'auth.lockout', t: now(), username, failures: outcome.failures, until: outcome.until });
      }
      return refuse('bad-password');
    }
    this.#lockout?.recordSuccess(username);
    const will = this.#willOf.get(client);
    if (will !== undefined && controls.acl) {
      const decision = canPublish(identity, will.topic);
      if (!decision.allowed) {
        emit({ type: 'will.denied', t: now(), clientId: client.id, topic: will.topic, reason: decision.reason });
        return refuse('will-denied');
      }
    }
    this.#identityOf.set(client, identity);
    this.stats.accepted++;
    emit({ type: 'auth.accepted', t: now(), clientId: client.id, username, identity: identity.username });
    return undefined;
  }

  #checkCertificate(client: Client): ConnectRefusal | undefined {
    const socket = client.conn as Partial<TLSSocket>;
    const certificate = socket.getPeerCertificate?.();
    if (certificate === undefined || certificate === null || Object.keys(certificate).length === 0) return 'no-client-certificate';
    const cn = certificate.subject?.CN;
    return cn === client.id ? undefined : 'certificate-mismatch';
  }

  #authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void {
    const identity = client === null ? undefined : this.#identityOf.get(client);
    const clientId = client?.id ?? '(broker)';
    const isWill = client !== null && (client as unknown as { will?: unknown }).will === packet;
    let reason: string | undefined;
    if (identity === undefined) {
      // Without authentication nothing is known of the sender; only the broker's own topics are kept out.
      if (packet.topic.startsWith('$')) reason = 'topics starting with "$" are reserved for the broker';
    } else {
      const topic = this.#options.controls.acl ? canPublish(identity, packet.topic) : { allowed: true as const };
      if (!topic.allowed) reason = topic.reason;
      else {
        const command = authorizeCommand(
          identity,
          packet.topic,
          packet.payload as Buffer,
          this.#mfa === undefined ? {} : { mfa: this.#mfa },
        );
        if (!command.allowed) reason = command.reason;
        else if (command.info !== undefined && !isWill) {
          const sent = this.#emit({
            type: 'command.sent',
            t: this.#options.now(),
            clientId,
            topic: packet.topic,
            command: command.info.command,
          });
          return this.#then(sent, () => callback(null));
        }
      }
    }
    if (reason === undefined) return callback(null);
    if (isWill) {
      const denied = this.#emit({ type: 'will.denied', t: this.#options.now(), clientId, topic: packet.topic, reason });
      return this.#then(denied, () => callback(new Error(reason)));
    }
    this.stats.publishesDenied++;
    const seq = envelopeSeq(packet.payload);
    const denied = this.#emit({
      type: 'publish.denied',
      t: this.#options.now(),
      clientId,
      topic: packet.topic,
      reason,
      ...(seq === undefined ? {} : { seq }),
    });
    if (!this.#attached) return this.#then(denied, () => callback(new Error(reason)));
    this.#dropped.add(packet);
    this.#then(denied, () => callback(null));
  }

  #emit(event: SecurityEvent): Promise<void> | undefined {
    const delivered = this.#options.onEvent?.(event);
    return delivered instanceof Promise ? (delivered as Promise<void>) : undefined;
  }

  /** Runs `next` once `delivered` settles, or at once when the event was taken synchronously (in-process). */
  #then(delivered: Promise<void> | undefined, next: () => void): void {
    if (delivered === undefined) return next();
    delivered.then(next, next);
  }
}

/** The `seq` of a medtwin envelope (docs/topics.md), or undefined for any other payload. */
function envelopeSeq(payload: Buffer | string): number | undefined {
  try {
    const seq = (JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8')) as { seq?: unknown } | null)?.seq;
    return Number.isSafeInteger(seq) ? (seq as number) : undefined;
  } catch {
    return undefined;
  }
}
