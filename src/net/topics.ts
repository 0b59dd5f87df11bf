import { InputError } from '../core/errors.ts';

/**
 * The topic scheme (docs/topics.md):
 *
 *   medtwin/<site>/<zone>/<kind>/<deviceId>/<channel>
 *
 * The hierarchy follows the hospital's network segmentation (site → zone → device kind), so an ACL can
 * grant a zone gateway `medtwin/general-hospital/icu/#` and nothing else, and a device only its own
 * subtree.
 */
export const TOPIC_ROOT = 'medtwin';

/** Device → broker channels and broker → device channels. */
export const CHANNELS = {
  telemetry: 'telemetry',
  alarm: 'alarm',
  state: 'state',
  status: 'status',
  event: 'event',
  backfill: 'backfill',
  cmd: 'cmd',
  cmdAck: 'cmd/ack',
  twinDesired: 'twin/desired',
  twinReported: 'twin/reported',
  twinDelta: 'twin/delta',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export interface DeviceAddress {
  site: string;
  zone: string;
  kind: string;
  deviceId: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Throws unless `value` is usable as one topic level (no wildcards, separators or `$`). */
export function assertTopicSegment(value: string, what: string): void {
  if (!SEGMENT.test(value)) {
    throw new InputError(
      'E_TOPIC_SEGMENT',
      `${what}: expected letters, digits, ".", "_" or "-" (no "/", "+", "#" or spaces), received ${JSON.stringify(value)}`,
    );
  }
}

/** Base topic of one device: `medtwin/<site>/<zone>/<kind>/<deviceId>`. */
export function deviceTopic(address: DeviceAddress): string {
  return `${TOPIC_ROOT}/${address.site}/${address.zone}/${address.kind}/${address.deviceId}`;
}

/** Topic of one channel of one device. */
export function channelTopic(address: DeviceAddress, channel: Channel): string {
  return `${deviceTopic(address)}/${channel}`;
}

/**
 * Where the intrusion detector publishes its alerts for a site: under `$SYS`, so a `#` subscriber (a
 * device, the twin, an eavesdropper's wildcard) never receives them (MQTT 3.1.1 §4.7.2) and, under a
 * security profile, only a console with the `sys` permission (the security role) may read them.
 */
export function securityAlertTopic(site: string): string {
  return `$SYS/${TOPIC_ROOT}/${site}/security/alerts`;
}

/** Subscription filter for every device message of a site (what the twin listens to). */
export function siteFilter(site: string): string {
  return `${TOPIC_ROOT}/${site}/#`;
}

export interface ParsedTopic extends DeviceAddress {
  channel: string;
}

/** Splits a device topic; undefined for anything outside the scheme. */
export function parseTopic(topic: string): Readonly<ParsedTopic> | undefined {
  let parsed = parsedTopics.get(topic);
  if (parsed === undefined && !parsedTopics.has(topic)) {
    parsed = splitTopic(topic);
    // A fleet reuses a few topics per device; a flood of distinct ones must not grow this without end.
    if (parsedTopics.size >= PARSED_TOPICS_MAX) parsedTopics.clear();
    parsedTopics.set(topic, parsed);
  }
  return parsed;
}

// The twin parses the topic of every message it receives: results are kept (and frozen, being shared).
const PARSED_TOPICS_MAX = 200_000;
const parsedTopics = new Map<string, Readonly<ParsedTopic> | undefined>();

function splitTopic(topic: string): Readonly<ParsedTopic> | undefined {
  const parts = topic.split('/');
  if (parts.length < 6 || parts[0] !== TOPIC_ROOT) return undefined;
  const [, site, zone, kind, deviceId, ...rest] = parts as [string, string, string, string, string, ...string[]];
  return Object.freeze({ site, zone, kind, deviceId, channel: rest.join('/') });
}
