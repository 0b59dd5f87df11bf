import { TOPIC_ROOT } from '../topics.ts';
import type { ConsoleIdentity, DeviceIdentity, Identity } from './identities.ts';

export type AclDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: AclDecision = { allowed: true };
const deny = (reason: string): AclDecision => ({ allowed: false, reason });

/** The channels a device publishes on its own subtree (docs/topics.md); `cmd` is the one it reads. */
export const DEVICE_PUBLISH_CHANNELS: readonly string[] = ['telemetry', 'alarm', 'state', 'status', 'event', 'backfill', 'cmd/ack'];
/** Where firmware images are offered to a device (phase 2 of the security issue wires the OTA flow). */
export const FIRMWARE_CHANNEL = 'firmware';
const TWIN_PUBLISH_CHANNELS: readonly string[] = ['cmd', 'twin/desired', 'twin/reported', 'twin/delta'];

/**
 * Least-privilege topics (NIST SP 1800-8 zoning; IEC 62443-3-3 SR 2.1 authorisation
 * enforcement), as pure decisions on an identity and a topic:
 * - a device publishes only its own telemetry, alarm, state, status, event, backfill and command-ack
 *   topics, and subscribes only to its own command topic — never a wildcard;
 * - the twin reads its site and writes commands and shadow updates within it;
 * - a console reaches only its zone (or the site, if site-wide), by what its role permits: `read` to
 *   subscribe, `command`/`dose` to send commands (which of the two a command needs is a payload
 *   question; see command-policy.ts), `firmware` to offer images, `sys` for `$SYS`.
 * Nothing but `sys` reaches a `$` topic, and no one publishes to one.
 */
export function canPublish(identity: Identity, topic: string): AclDecision {
  if (topic.startsWith('$')) return deny('topics starting with "$" are reserved for the broker');
  switch (identity.type) {
    case 'device': {
      const base = deviceBase(identity);
      if (!topic.startsWith(`${base}/`)) return deny(`a device publishes only under its own topic ${base}/`);
      const channel = topic.slice(base.length + 1);
      return DEVICE_PUBLISH_CHANNELS.includes(channel)
        ? ALLOW
        : deny(`a device publishes only its own ${DEVICE_PUBLISH_CHANNELS.join(', ')} channels, not "${channel}"`);
    }
    case 'twin': {
      const parsed = parseDeviceTopic(topic, identity.site);
      return parsed !== undefined && TWIN_PUBLISH_CHANNELS.includes(parsed.channel)
        ? ALLOW
        : deny(`the twin publishes only ${TWIN_PUBLISH_CHANNELS.join(', ')} of devices of site ${identity.site}`);
    }
    case 'console': {
      const parsed = parseDeviceTopic(topic, identity.site);
      if (parsed === undefined) return deny(`a console publishes only to device topics of site ${identity.site}`);
      if (identity.zone !== undefined && parsed.zone !== identity.zone) return deny(`this console reaches only zone ${identity.zone}`);
      if (parsed.channel === 'cmd') {
        return has(identity, 'command') || has(identity, 'dose') ? ALLOW : deny(`role ${identity.role} may not send commands`);
      }
      if (parsed.channel === FIRMWARE_CHANNEL)
        return has(identity, 'firmware') ? ALLOW : deny(`role ${identity.role} may not offer firmware`);
      return deny(`a console publishes only commands${has(identity, 'firmware') ? ' and firmware' : ''}, not "${parsed.channel}"`);
    }
  }
}

export function canSubscribe(identity: Identity, filter: string): AclDecision {
  const wildcard = filter.includes('#') || filter.includes('+');
  switch (identity.type) {
    case 'device': {
      if (wildcard) return deny('a device may not subscribe with wildcards');
      const own = `${deviceBase(identity)}/cmd`;
      return filter === own ? ALLOW : deny(`a device subscribes only to its own command topic ${own}`);
    }
    case 'twin':
      if (filter.startsWith('$')) return deny('the twin does not read $ topics');
      return within(filter, [TOPIC_ROOT, identity.site]) ? ALLOW : deny(`the twin reads only site ${identity.site}`);
    case 'console':
      return consoleSubscribe(identity, filter);
  }
}

/**
 * Whether a message on `topic` may be delivered to `identity` (aedes' authorizeForward): the same
 * rule as subscribing, applied to each delivery, so a subscription granted before a change of rules
 * or a retained message can never carry a topic the identity could not subscribe to.
 */
export function canReceive(identity: Identity, topic: string): boolean {
  switch (identity.type) {
    case 'device':
      return topic === `${deviceBase(identity)}/cmd`;
    case 'twin':
      return !topic.startsWith('$') && within(topic, [TOPIC_ROOT, identity.site]);
    case 'console':
      return consoleSubscribe(identity, topic).allowed;
  }
}

function consoleSubscribe(identity: ConsoleIdentity, filter: string): AclDecision {
  if (filter.startsWith('$SYS/') || filter === '$SYS/#') {
    return has(identity, 'sys') ? ALLOW : deny(`role ${identity.role} may not read $SYS`);
  }
  if (filter.startsWith('$')) return deny('only $SYS topics are readable, by the security role');
  if (!has(identity, 'read')) return deny(`role ${identity.role} may not read device topics`);
  const prefix = identity.zone === undefined ? [TOPIC_ROOT, identity.site] : [TOPIC_ROOT, identity.site, identity.zone];
  return within(filter, prefix) ? ALLOW : deny(`this console reads only ${prefix.join('/')}/`);
}

/** True when every topic `filter` can match lies under `prefix`: its first levels are literally the prefix. */
function within(filter: string, prefix: readonly string[]): boolean {
  const levels = filter.split('/');
  if (levels.length <= prefix.length) return false;
  return prefix.every((level, i) => levels[i] === level);
}

function has(identity: ConsoleIdentity, permission: ConsoleIdentity['permissions'][number]): boolean {
  return identity.permissions.includes(permission);
}

function deviceBase(identity: DeviceIdentity): string {
  return `${TOPIC_ROOT}/${identity.site}/${identity.zone}/${identity.kind}/${identity.deviceId}`;
}

/** `medtwin/<site>/<zone>/<kind>/<device>/<channel...>` of `site`, without wildcards. */
export function parseDeviceTopic(
  topic: string,
  site: string,
): { zone: string; kind: string; deviceId: string; channel: string } | undefined {
  const levels = topic.split('/');
  if (levels.length < 6 || levels[0] !== TOPIC_ROOT || levels[1] !== site) return undefined;
  if (levels.some((l) => l === '' || l === '+' || l === '#')) return undefined;
  return { zone: levels[2]!, kind: levels[3]!, deviceId: levels[4]!, channel: levels.slice(5).join('/') };
}
