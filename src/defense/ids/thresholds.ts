/**
 * The detector's tunable numbers, each with a default and why. A scenario may override any of them
 * (issue 17: "thresholds configurable per scenario, with documented defaults"); docs/attacks.md lists them.
 */
export interface IdsThresholds {
  /** Refused logins for one identity (or client id) within `windowMs` that make a brute-force alert. */
  authFailures: { count: number; windowMs: number };
  /** Publishes by one client within `windowMs` past which it is a flood. */
  publishFlood: { count: number; windowMs: number };
  /**
   * A distributed flood: `sources` clients or more each publishing more than `perClient` messages
   * within `windowMs` to topics that are not their own device's.
   */
  distributedFlood: { perClient: number; sources: number; windowMs: number };
  /** Connections (accepted or refused) by client ids the fleet does not know, within `windowMs`, past which it is a connect flood. */
  connectFlood: { count: number; windowMs: number };
  /**
   * SlowITe: `count` sessions open at once that asked for a keep-alive over `keepaliveS` seconds (or
   * none) and have sent nothing since.
   */
  slowConnections: { count: number; keepaliveS: number };
  /**
   * Telemetry messages a device can publish per simulated second at most: a `seq` advancing faster
   * than this (plus `seqSlack`) since the last one seen cannot be the device's own.
   */
  maxTelemetryPerSecond: number;
  seqSlack: number;
  /** How far a signed command's timestamp may lie from the run's clock before it is called stale (ms). */
  commandFreshnessMs: number;
  /** How long a command nonce is remembered for replay detection (ms). */
  nonceMemoryMs: number;
  /** One alert per rule and subject within this time; later findings are counted into it, not re-raised (ms). */
  realertMs: number;
}

export const DEFAULT_THRESHOLDS: IdsThresholds = {
  // Five failures a minute: NIST SP 800-63B allows up to 100 failed attempts before lockout, but a
  // device with its provisioned password never fails twice; five is a person or a script guessing.
  authFailures: { count: 5, windowMs: 60_000 },
  // The busiest device kind samples once a second; 200 in 10 s is an order of magnitude above any device.
  publishFlood: { count: 200, windowMs: 10_000 },
  // Four a second per client, from five clients at once: twice the fastest device's telemetry (a
  // device's own channels, backfill after an outage included, never count).
  distributedFlood: { perClient: 40, sources: 5, windowMs: 10_000 },
  // Unknown clients: a scan or a flood, not a fleet (the fleet's own ids are excluded).
  connectFlood: { count: 20, windowMs: 10_000 },
  // AWS IoT Core accepts keep-alives of 30–1,200 s and the fleet asks for 60: past 1,200 s a client
  // has no use for the session but holding it. Ten such at once, idle, is no fleet's doing.
  slowConnections: { count: 10, keepaliveS: 1200 },
  maxTelemetryPerSecond: 2,
  seqSlack: 100,
  // The devices' own freshness window for signed commands (docs/security.md).
  commandFreshnessMs: 30_000,
  nonceMemoryMs: 10 * 60_000,
  realertMs: 60_000,
};
