import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { EmbeddedBroker, type BrokerOptions } from '../../src/net/broker.ts';
import { BrokerSecurity } from '../../src/net/security/broker-security.ts';
import { type Control, PROFILES, type ProfileName } from '../../src/net/security/controls.ts';
import type { SecurityEvent } from '../../src/net/security/events.ts';
import { IdentitySet, type Identity } from '../../src/net/security/identities.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';

/** A small two-zone fleet: two pumps and a monitor in the ICU, one pump on ward A. */
export const FLEET = {
  site: 'general-hospital',
  zones: ['icu', 'ward-a'],
  devices: [
    { id: 'pump-001', kind: 'infusion-pump', zone: 'icu' },
    { id: 'pump-002', kind: 'infusion-pump', zone: 'icu' },
    { id: 'monitor-001', kind: 'patient-monitor', zone: 'icu' },
    { id: 'pump-003', kind: 'infusion-pump', zone: 'ward-a' },
  ],
};

export const topicOf = (deviceId: string, channel: string): string => {
  const device = FLEET.devices.find((d) => d.id === deviceId)!;
  return `medtwin/${FLEET.site}/${device.zone}/${device.kind}/${deviceId}/${channel}`;
};

export interface SecureBroker {
  broker: EmbeddedBroker;
  security: BrokerSecurity;
  identities: IdentitySet;
  events: SecurityEvent[];
  /** The injected clock the lockout and TOTP read; tests move it by hand. */
  clock: { t: number };
  close(): Promise<void>;
}

/** The embedded broker on port 0 with the broker-side controls of `profile` (plus overrides). */
export async function startSecureBroker(
  profile: ProfileName = 'hardened',
  overrides: Partial<Record<Control, boolean>> = {},
  options: BrokerOptions = {},
): Promise<SecureBroker> {
  const config = resolveSecurity({
    profile,
    controls: { ...PROFILES[profile], ...overrides },
    lockout: { attempts: 3, window: 60_000, duration: 120_000 },
  });
  const identities = IdentitySet.derive(7, FLEET, config);
  const clock = { t: 0 };
  const events: SecurityEvent[] = [];
  const security = new BrokerSecurity({
    controls: config.controls,
    lockout: config.lockout,
    identities,
    seed: 7,
    now: () => clock.t,
    onEvent: (e) => events.push(e),
  });
  const broker = await EmbeddedBroker.start({ ...options, hooks: security.hooks });
  security.attach(broker.aedes);
  return { broker, security, identities, events, clock, close: () => broker.close() };
}

/** mqtt.js options to log in as `identity` (no reconnects: a refusal must stay a refusal). */
export function loginAs(identity: Identity, extra: Partial<IClientOptions> = {}): IClientOptions {
  return {
    clientId: identity.clientId,
    username: identity.username,
    password: identity.password.reveal(),
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  };
}

/** Connects, resolving the client or rejecting with the broker's refusal (mqtt.js sets `code`). */
export async function connect(url: string, options: IClientOptions, opened: MqttClient[]): Promise<MqttClient> {
  const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  opened.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
  return client;
}

/** The CONNACK return code a connect attempt got (0 when accepted). */
export async function connackCode(url: string, options: IClientOptions, opened: MqttClient[]): Promise<number> {
  try {
    await connect(url, options, opened);
    return 0;
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (typeof code !== 'number') throw error;
    return code;
  }
}

/**
 * Every message `client` receives until one arrives on `marker` (included). A test sends the
 * message that must not arrive, then a marker the same way; messages of one sender keep their order,
 * so once the marker is in, anything denied would have been in too — no waiting on a timer.
 */
export function messagesUntil(client: MqttClient, marker: string, timeoutMs = 5000): Promise<{ topic: string; payload: string }[]> {
  return new Promise((resolve, reject) => {
    const seen: { topic: string; payload: string }[] = [];
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${marker} within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer) => {
      seen.push({ topic, payload: payload.toString() });
      if (topic !== marker) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(seen);
    };
    client.on('message', onMessage);
  });
}

export async function closeAll(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
}
