import { cgmDescriptor } from './cgm/index.ts';
import type { AnyDeviceDescriptor } from './descriptor.ts';
import { infusionPump } from './infusion-pump/index.ts';
import { patientMonitor } from './patient-monitor/index.ts';

/**
 * Every device kind medtwin simulates, by the name scenarios use. Adding a kind means adding its
 * folder and one line here.
 */
export const DEVICES = {
  'infusion-pump': infusionPump,
  'patient-monitor': patientMonitor,
  cgm: cgmDescriptor,
} as const satisfies Record<string, AnyDeviceDescriptor>;

export type DeviceKind = keyof typeof DEVICES;
export const DEVICE_KINDS = Object.keys(DEVICES) as DeviceKind[];

export type {
  AnyDeviceDescriptor,
  DeviceDescriptor,
  AlarmInfo,
  AlarmPriority,
  DeviceEmitted,
  SampleInput,
  Delivery,
} from './descriptor.ts';
