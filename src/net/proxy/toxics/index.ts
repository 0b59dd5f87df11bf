import type { ToxicKind } from '../toxic.ts';
import { bandwidth } from './bandwidth.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { mqttPublish } from './mqtt-publish.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';

/**
 * Every toxic the fault proxy knows, by the name Toxiproxy gives it (plus `mqtt`, the MQTT-aware
 * faults). A typed map, so a name is checked against what exists and an error can list them.
 */
export const TOXICS = {
  latency,
  bandwidth,
  timeout,
  reset_peer: resetPeer,
  slow_close: slowClose,
  slicer,
  limit_data: limitData,
  mqtt: mqttPublish,
} satisfies Record<string, Pick<ToxicKind, 'type' | 'summary' | 'params'>>;

export type ToxicType = keyof typeof TOXICS;
export const TOXIC_TYPES = Object.keys(TOXICS) as ToxicType[];
