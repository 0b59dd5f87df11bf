import { z } from 'zod';
import { InputError, nearestName } from '../core/errors.ts';
import { airInLine } from './device/air-in-line.ts';
import { alarmSuppression } from './device/alarm-suppression.ts';
import { batteryDrain } from './device/battery-drain.ts';
import { cgmSensorError } from './device/cgm-sensor-error.ts';
import { clockSkew } from './device/clock-skew.ts';
import { doorOpen } from './device/door-open.ts';
import { ecgLeadOff } from './device/ecg-lead-off.ts';
import { firmwareHang } from './device/firmware-hang.ts';
import { flashFailure } from './device/flash-failure.ts';
import { nibpCuffError } from './device/nibp-cuff-error.ts';
import { occlusionDownstream } from './device/occlusion-downstream.ts';
import { occlusionUpstream } from './device/occlusion-upstream.ts';
import { reboot } from './device/reboot.ts';
import { spo2ProbeOff } from './device/spo2-probe-off.ts';
import { wrongRate } from './device/wrong-rate.ts';
import type { AnyFaultDefinition, FaultCategory } from './fault.ts';
import { NETWORK_FAULTS } from './network/index.ts';
import { bias } from './sensor/bias.ts';
import { calibrationError } from './sensor/calibration-error.ts';
import { compressionLow } from './sensor/compression-low.ts';
import { drift } from './sensor/drift.ts';
import { dropout } from './sensor/dropout.ts';
import { gain } from './sensor/gain.ts';
import { lag } from './sensor/lag.ts';
import { noise } from './sensor/noise.ts';
import { spikes } from './sensor/spikes.ts';
import { stuck } from './sensor/stuck.ts';

/** Every fault a scenario can name, by name (`medtwin list faults`). Attacks join later. */
export const FAULTS = {
  'sensor.bias': bias,
  'sensor.gain': gain,
  'sensor.drift': drift,
  'sensor.noise': noise,
  'sensor.stuck': stuck,
  'sensor.spikes': spikes,
  'sensor.dropout': dropout,
  'sensor.lag': lag,
  'sensor.calibration-error': calibrationError,
  'cgm.compression-low': compressionLow,
  'device.clock-skew': clockSkew,
  'device.occlusion-downstream': occlusionDownstream,
  'device.occlusion-upstream': occlusionUpstream,
  'device.air-in-line': airInLine,
  'device.door-open': doorOpen,
  'device.battery-drain': batteryDrain,
  'device.reboot': reboot,
  'device.firmware-hang': firmwareHang,
  'device.flash-failure': flashFailure,
  'device.alarm-suppression': alarmSuppression,
  'device.wrong-rate': wrongRate,
  'device.ecg-lead-off': ecgLeadOff,
  'device.spo2-probe-off': spo2ProbeOff,
  'device.nibp-cuff-error': nibpCuffError,
  'device.cgm-sensor-error': cgmSensorError,
  // Network faults join as the run wires each end to end (src/inject/network/index.ts lists them all).
  'network.latency': NETWORK_FAULTS['network.latency'],
  'network.mqtt-drop': NETWORK_FAULTS['network.mqtt-drop'],
  'network.mqtt-duplicate': NETWORK_FAULTS['network.mqtt-duplicate'],
  'network.mqtt-delay': NETWORK_FAULTS['network.mqtt-delay'],
  'network.mqtt-downgrade': NETWORK_FAULTS['network.mqtt-downgrade'],
  'network.frozen-subscriber': NETWORK_FAULTS['network.frozen-subscriber'],
  'network.down': NETWORK_FAULTS['network.down'],
  'network.flapping': NETWORK_FAULTS['network.flapping'],
  'network.blackhole': NETWORK_FAULTS['network.blackhole'],
  'network.reset-peer': NETWORK_FAULTS['network.reset-peer'],
  'network.slow-close': NETWORK_FAULTS['network.slow-close'],
  'network.limit-data': NETWORK_FAULTS['network.limit-data'],
  'network.bandwidth': NETWORK_FAULTS['network.bandwidth'],
  'network.slicer': NETWORK_FAULTS['network.slicer'],
  'network.mqtt-reorder': NETWORK_FAULTS['network.mqtt-reorder'],
  'network.broker-restart': NETWORK_FAULTS['network.broker-restart'],
} satisfies Record<string, AnyFaultDefinition>;

export type FaultName = keyof typeof FAULTS;
export type FaultRegistry = Readonly<Record<string, AnyFaultDefinition>>;

/** One documented param of a fault. */
export interface FaultParamInfo {
  name: string;
  /** JSON Schema type(s), e.g. "number", "string", "number | string" (durations). */
  type: string;
  required: boolean;
  default?: unknown;
  /** Allowed values of an enum param. */
  values?: unknown[];
  description?: string;
}

export interface FaultInfo {
  name: string;
  category: FaultCategory;
  summary: string;
  params: FaultParamInfo[];
}

/** The faults of a registry with their params documented, sorted by name (for `medtwin list faults`, docs, the TUI). */
export function listFaults(registry: FaultRegistry = FAULTS): FaultInfo[] {
  return Object.entries(registry)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, fault]) => ({ name, category: fault.category, summary: fault.summary, params: describeParams(fault.params) }));
}

/** Looks a fault up by name; an unknown name is an InputError listing the known ones. */
export function getFault(name: string, registry: FaultRegistry = FAULTS, where = 'fault'): AnyFaultDefinition {
  const fault = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (fault) return fault;
  const names = Object.keys(registry);
  const hint = nearestName(name, names);
  throw new InputError(
    'E_UNKNOWN_FAULT',
    `${where}: unknown fault ${JSON.stringify(name)}${hint ? ` — did you mean "${hint}"?` : ''} (see \`medtwin list faults\`; known: ${names.join(', ')})`,
  );
}

type JsonSchemaProperty = { type?: string | string[]; default?: unknown; enum?: unknown[]; description?: string };

function describeParams(schema: z.ZodType): FaultParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    type: Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any'),
    required: json.required?.includes(name) ?? false,
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.enum !== undefined ? { values: p.enum } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
  }));
}
