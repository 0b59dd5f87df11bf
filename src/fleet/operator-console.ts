import type { Clock } from '../core/clock.ts';
import type { DeviceLink, LinkEndpoint, LinkOpener } from '../net/device-link.ts';
import { IN_THREAD_LINKS } from '../net/device-link.ts';
import { encodeEnvelope, ENVELOPE_VERSION } from '../net/envelope.ts';
import { CHANNELS, channelTopic, TOPIC_ROOT, type DeviceAddress } from '../net/topics.ts';
import type { ConsoleIdentity } from '../net/security/identities.ts';
import { currentCode } from '../net/security/mfa.ts';
import { isDoseCommand } from '../net/security/roles.ts';
import type { CommandSigner } from '../net/security/signed-command.ts';

export interface OperatorConsoleOptions {
  identity: ConsoleIdentity;
  clock: Clock;
  /** Signs every command (the signedCommands control); without it commands go out unsigned. */
  signer?: CommandSigner;
  /** Types the operator's current TOTP code into every dose-changing command (the operatorMfa control). */
  mfa: boolean;
}

/**
 * An operator's console: a clinician's (or biomed's) workstation with its own MQTT connection and
 * identity, through which the run's scripted and interactive commands reach devices when the
 * security profile asks for authenticated commands. It signs each command for its target device at
 * the simulation time it is sent, and for a dose change adds the code the operator's authenticator
 * shows at that moment (RFC 6238) — what a clinician would type.
 */
export class OperatorConsole {
  readonly identity: ConsoleIdentity;
  readonly #options: OperatorConsoleOptions;
  #link: DeviceLink | undefined;
  #seq = 0;

  constructor(options: OperatorConsoleOptions) {
    this.identity = options.identity;
    this.#options = options;
  }

  /** Connects as `endpoint` says (the console's client id, credentials, TLS); listens to the command acks of the devices it reaches. */
  async connect(endpoint: LinkEndpoint, links: LinkOpener = IN_THREAD_LINKS): Promise<void> {
    const { site, zone } = this.identity;
    const acks = [TOPIC_ROOT, site, zone ?? '+', '+', '+', CHANNELS.cmdAck].join('/');
    this.#link = await links.open({ ...endpoint, subscribe: acks }, () => {});
  }

  /**
   * Sends `body` to the device at `address` in an envelope numbered `seq` (by default the console's
   * own count); returns what went on the wire (signed, with its code), and whether it did: false when
   * the console's connection was down (DeviceLink.publish).
   */
  send(
    address: DeviceAddress,
    body: Record<string, unknown> & { type: string },
    seq = this.#seq + 1,
  ): { wire: Record<string, unknown>; sent: boolean } {
    const { clock, signer, mfa } = this.#options;
    this.#seq = seq;
    const now = clock.now();
    const otp = mfa && isDoseCommand(address.kind, body.type) ? currentCode(this.identity, now) : undefined;
    const wire = signer ? signer.sign(address.deviceId, body, now, otp) : otp === undefined ? body : { ...body, auth: { otp } };
    const payload = encodeEnvelope({
      v: ENVELOPE_VERSION,
      device: this.identity.clientId,
      kind: 'console',
      seq,
      t: now,
      body: wire,
    });
    const sent = this.#link?.publish(channelTopic(address, CHANNELS.cmd), payload, 1, false);
    return { wire, sent: sent !== false };
  }

  /** Whether the console's connection is up (one never connected is not). */
  get connected(): boolean {
    return this.#link?.connected === true;
  }

  async close(): Promise<void> {
    await this.#link?.close();
  }
}
