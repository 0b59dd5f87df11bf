import type { AnyFaultDefinition } from '../fault.ts';
import { bandwidth } from './bandwidth.ts';
import { blackhole } from './blackhole.ts';
import { brokerRestart } from './broker-restart.ts';
import { down } from './down.ts';
import { flapping } from './flapping.ts';
import { frozenSubscriber } from './frozen-subscriber.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { mqttDelay } from './mqtt-delay.ts';
import { mqttDowngrade } from './mqtt-downgrade.ts';
import { mqttDrop } from './mqtt-drop.ts';
import { mqttDuplicate } from './mqtt-duplicate.ts';
import { mqttReorder } from './mqtt-reorder.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';

/** Category `network`: faults on links, zones, the broker and the central station's subscriber (docs/network.md). */
export const NETWORK_FAULTS = {
  'network.latency': latency,
  'network.bandwidth': bandwidth,
  'network.blackhole': blackhole,
  'network.down': down,
  'network.reset-peer': resetPeer,
  'network.slow-close': slowClose,
  'network.slicer': slicer,
  'network.limit-data': limitData,
  'network.flapping': flapping,
  'network.mqtt-drop': mqttDrop,
  'network.mqtt-delay': mqttDelay,
  'network.mqtt-duplicate': mqttDuplicate,
  'network.mqtt-reorder': mqttReorder,
  'network.mqtt-downgrade': mqttDowngrade,
  'network.broker-restart': brokerRestart,
  'network.frozen-subscriber': frozenSubscriber,
} satisfies Record<string, AnyFaultDefinition>;
