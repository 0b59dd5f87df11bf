import type { z } from 'zod';
import type { Control } from '../../net/security/controls.ts';
import type { FirmwareImage } from '../../net/security/firmware/ota-image.ts';
import type { CommandSigner } from '../../net/security/signed-command.ts';
import type { Adversary, AdversarySession } from '../adversary/adversary.ts';
import type { ImpactMetricName } from '../impact/registry.ts';
import type { RuleName } from '../ids/registry.ts';
import type { TechniqueId } from '../techniques.ts';

/** The device an attack aims at, and what the adversary holds. */
export interface AttackTarget {
  site: string;
  zone: string;
  kind: string;
  deviceId: string;
  /** The target's client id (docs/topics.md: `medtwin-<deviceId>`). */
  clientId: string;
  /**
   * Credentials the adversary holds — a compromised device's, a phished operator's — when the scenario
   * gives it a foothold. Without one it is an outsider with nothing but network access.
   */
  foothold?: {
    clientId: string;
    username: string;
    password: string;
    /** The identity's client certificate and key (PEM), when the adversary holds its machine: what mutual TLS asks for. */
    tls?: { cert: string; key: string };
    /** The identity's command-signing key, when the adversary holds its machine: its commands go out signed. */
    signer?: CommandSigner;
  };
}

/**
 * A device of the fleet the attacker controls (malware on it): it publishes on the device's own
 * connection, under the device's identity and certificate, as the device would.
 */
export interface CompromisedDevice {
  deviceId: string;
  zone: string;
  kind: string;
  clientId: string;
  /** Publishes on the device's connection; resolves once the broker has routed (or dropped) it. */
  publish(topic: string, payload: string): Promise<void>;
}

export interface AttackContext {
  adversary: Adversary;
  target: AttackTarget;
  /** A device the attacker already controls, in another zone than the target's when the fleet has one. */
  compromised?: CompromisedDevice;
  /** The twin's client id (the one `attack.twin-kick` reuses). */
  twinClientId: string;
  /**
   * The signed images the device vendor publishes for download (a support portal anyone can reach):
   * what a firmware attack starts from. Undefined where the run has no vendor.
   */
  vendorImage?: (kind: string, version: string) => FirmwareImage;
}

/** An attack under way: its connections, what reached the attacker, and how to stop it. */
export interface AttackRun {
  sessions: readonly AdversarySession[];
  /** Device ids whose messages reached the attacker so far (ground truth of exposure). */
  exposed(): string[];
  /**
   * What the attack does again every `everyMs` of simulated time while it runs (pinging the
   * connections it holds, publishing the next spoofed reading): the run carries it out at that
   * instant as it does a launch — settled before, recorded, and waited for before time moves on.
   */
  repeat?: { everyMs: number; act(): Promise<void> };
  stop(): Promise<void>;
}

/** A control that, on its own, stops the attack, and how. */
export interface Countermeasure {
  control: Control;
  how: string;
}

/**
 * One attack of the catalogue (category `attack`): what it does, the real-world precedent, its labels
 * (MITRE ATT&CK for ICS; CICIoMT2024 / MQTTset class where one fits), the controls that stop it, the
 * IDS rules that should see it under `open`, the clinical-impact metrics that measure it, and its
 * executor — real MQTT connections by an adversary acting when the run tells it to.
 */
export interface AttackDefinition<TParams extends z.ZodType = z.ZodType> {
  name: string;
  category: 'attack';
  summary: string;
  precedent: string;
  /**
   * Class labels of the public IoMT/MQTT intrusion datasets, only where one really fits: CICIoMT2024's
   * MQTT classes are connect and publish floods (DoS, DDoS) and malformed data; MQTTset's are flood,
   * SlowITe, malformed, bruteforce. Command spoofing, takeover and retained poisoning have none.
   */
  labels: { cicIoMT2024?: string; mqttset?: string };
  techniques: readonly TechniqueId[];
  stoppedBy: readonly Countermeasure[];
  detectedBy: readonly RuleName[];
  impacts: readonly ImpactMetricName[];
  params: TParams;
  execute(context: AttackContext, params: z.output<TParams>): Promise<AttackRun>;
}

/** Defines an attack, keeping its params' type. */
export function defineAttack<TParams extends z.ZodType>(attack: AttackDefinition<TParams>): AttackDefinition<TParams> {
  return attack;
}
