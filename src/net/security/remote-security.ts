import type { TlsOptions } from 'node:tls';
import { BrokerSecurity } from './broker-security.ts';
import type { Controls } from './controls.ts';
import { CredentialStore } from './credential-store.ts';
import type { SecurityEvent } from './events.ts';
import { type IdentityRecord, IdentitySet } from './identities.ts';
import type { LockoutPolicy } from './lockout.ts';
import type { PasswordHash, ScryptCost } from './password-hash.ts';

/*
 * A run's security controls on a broker in a child process (runtime/broker-child.ts). The parent
 * sends what the broker needs over the IPC channel — never on the command line, never printed: the
 * identities without their passwords, a scrypt hash per identity, the TOTP secrets only when the
 * broker checks operators' second factors, and the TLS listener's certificate and key. The child
 * decides every CONNECT, SUBSCRIBE and PUBLISH itself, as an in-process broker would.
 *
 * Time stays the parent's. The run's clock lives in the parent, so before a decision that reads it (a
 * login, under lockout; an operator's code) the child asks for it, and every decision it reports is
 * recorded by the parent, stamped with the parent's clock, before the client sees the outcome (the
 * CONNACK, the SUBACK, the forwarded or dropped PUBLISH). The parent answers when its event loop
 * takes the message — while the run waits for the network at that simulated instant, exactly when an
 * in-process broker's hook would have run — so a run gives the same events and the same digest on
 * either broker.
 */

/** What a child broker is given to apply a run's controls (JSON over IPC: buffers as base64). */
export interface ChildSecuritySetup {
  controls: Pick<Controls, 'authentication' | 'lockout' | 'acl' | 'mutualTls' | 'operatorMfa'>;
  lockout: LockoutPolicy;
  site: string;
  identities: IdentityRecord[];
  hashes: [username: string, hash: { salt: string; hash: string; cost: ScryptCost }][];
  /** The TLS-only listener's options (certificate, key and CA as PEM text). */
  tls?: TlsOptions;
}

/** Parent → child. */
export type ToChildMessage = { type: 'security.setup'; setup: ChildSecuritySetup } | { type: 'security.reply'; id: number; t: number };

/** Child → parent: what time it is in the run, and a decision to record (answered with a reply of the same id). */
export type ToParentMessage = { type: 'security.now'; id: number } | { type: 'security.event'; id: number; event: SecurityEvent };

/** The parent's side of a child broker's security: the run's clock, and where its decisions go. */
export interface ChildSecurityHost {
  setup(): Promise<ChildSecuritySetup>;
  now(): number;
  /** A decision of the child broker, already stamped with the run's clock. */
  onEvent(event: SecurityEvent): void;
}

/** A channel to the other process (a ChildProcess, or `process` in the child). */
export interface IpcChannel {
  /** False once the other process is gone (a reply then has nobody to go to). */
  readonly connected?: boolean;
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Makes the setup message for a child broker from the parent's broker security. */
export async function childSecuritySetup(options: {
  controls: ChildSecuritySetup['controls'];
  lockout: LockoutPolicy;
  identities: IdentitySet;
  /** The parent's broker security, when any control needs hooks (its credential hashes are sent). */
  broker?: BrokerSecurity;
  tls?: TlsOptions;
}): Promise<ChildSecuritySetup> {
  const hashes = options.broker === undefined ? new Map<string, PasswordHash>() : await options.broker.credentialHashes();
  // Without the parent's hooks (a TLS-only profile) the child installs none either.
  const on = options.broker !== undefined;
  const { authentication, lockout, acl, mutualTls, operatorMfa } = options.controls;
  return {
    controls: {
      authentication: on && authentication,
      lockout: on && lockout,
      acl: on && acl,
      mutualTls: on && mutualTls,
      operatorMfa: on && operatorMfa,
    },
    lockout: options.lockout,
    site: options.identities.site,
    identities: options.identities.records({ totp: on && operatorMfa }),
    hashes: [...hashes].map(([username, h]) => [
      username,
      { salt: h.salt.toString('base64'), hash: h.hash.toString('base64'), cost: h.cost },
    ]),
    ...(options.tls ? { tls: options.tls } : {}),
  };
}

/** The parent answers its child broker: the run's time, and each decision recorded before the reply. */
export function serveChildSecurity(channel: IpcChannel, host: Pick<ChildSecurityHost, 'now' | 'onEvent'>): void {
  const reply = (id: number, t: number) => {
    if (channel.connected !== false) channel.send({ type: 'security.reply', id, t } satisfies ToChildMessage);
  };
  channel.on('message', (raw) => {
    const message = raw as ToParentMessage;
    if (message?.type === 'security.now') reply(message.id, host.now());
    else if (message?.type === 'security.event') {
      const t = host.now();
      host.onEvent({ ...message.event, t } as SecurityEvent);
      reply(message.id, t);
    }
  });
}

/**
 * The child's broker security from its parent's setup: hooks and a publish gate as in-process, the
 * run's clock asked of the parent, decisions recorded there before their outcome is sent.
 */
export function childBrokerSecurity(setup: ChildSecuritySetup, channel: IpcChannel): BrokerSecurity {
  const identities = IdentitySet.fromRecords(setup.site, setup.identities);
  const hashes = new Map<string, PasswordHash>(
    setup.hashes.map(([username, h]) => [
      username,
      { salt: Buffer.from(h.salt, 'base64'), hash: Buffer.from(h.hash, 'base64'), cost: h.cost },
    ]),
  );
  let now = 0;
  let next = 0;
  const waiting = new Map<number, (t: number) => void>();
  channel.on('message', (raw) => {
    const message = raw as ToChildMessage;
    if (message?.type !== 'security.reply') return;
    now = Math.max(now, message.t);
    waiting.get(message.id)?.(message.t);
    waiting.delete(message.id);
  });
  const ask = (message: { type: 'security.now' } | { type: 'security.event'; event: SecurityEvent }) =>
    new Promise<void>((resolve) => {
      const id = ++next;
      waiting.set(id, () => resolve());
      channel.send({ ...message, id });
    });
  return new BrokerSecurity({
    controls: setup.controls,
    lockout: setup.lockout,
    identities,
    seed: 0,
    credentials: CredentialStore.fromHashes(identities, hashes),
    now: () => now,
    sync: () => ask({ type: 'security.now' }),
    onEvent: (event) => ask({ type: 'security.event', event }),
  });
}
