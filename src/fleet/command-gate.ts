import { CommandVerifier, type TrustedIssuer } from '../net/security/command-verifier.ts';
import { firmwareWeaknesses } from './device-firmware.ts';

/** A command's fate at the firmware's door: on to the machine, or refused with a code for the ack. */
export type GateVerdict = { ok: true } | { ok: false; code: string; reason: string };

/**
 * What a device's firmware checks before its state machine sees a command. `deviceNow` is the
 * device's own clock (the simulation's plus any skew a fault put on it).
 */
export type CommandGate = (command: unknown, deviceNow: number) => GateVerdict;

/** How the firmware guards commands, and why: for reports and the event log. */
export type GateMode = 'verify' | 'signature-only' | 'none';

export interface FirmwareGateOptions {
  deviceId: string;
  kind: string;
  /** The firmware version the device runs; undefined is the kind's default, which is patched. */
  firmware: string | undefined;
  /** False for an image that is not the vendor's (a tampered build): it keeps none of the firmware's promises. Default true. */
  genuine?: boolean;
  /** Who may sign commands (CommandTrust.issuers) and what each role may send to this kind. */
  issuers: ReadonlyMap<string, TrustedIssuer>;
  permits: (role: string, commandType: string) => boolean;
  freshnessMs: number;
}

/**
 * The signed-commands control as firmware applies it (docs/security.md, docs/advisories.md):
 * firmware with `unauthenticated-commands` acts on anything that reaches it; with
 * `replayable-commands` it checks the signature but keeps no time window or nonces; patched firmware
 * runs the full CommandVerifier. Vulnerable firmware is vulnerable whatever the profile says — that
 * is what the patch campaign is for.
 */
export function firmwareCommandGate(options: FirmwareGateOptions): { mode: GateMode; gate: CommandGate | undefined } {
  const weaknesses =
    options.firmware === undefined && options.genuine !== false
      ? new Set<string>()
      : firmwareWeaknesses(options.kind, { version: options.firmware ?? '', genuine: options.genuine !== false });
  if (weaknesses.has('unauthenticated-commands')) return { mode: 'none', gate: undefined };
  const replayProtection = !weaknesses.has('replayable-commands');
  let deviceNow = 0;
  const verifier = new CommandVerifier({
    device: options.deviceId,
    issuers: options.issuers,
    freshnessMs: options.freshnessMs,
    now: () => deviceNow,
    permits: options.permits,
    replayProtection,
  });
  const gate: CommandGate = (command, now) => {
    // Not an object at all: the command schema refuses it with a better message than "unsigned".
    if (command === null || typeof command !== 'object' || Array.isArray(command)) return { ok: true };
    deviceNow = now;
    const result = verifier.verify(command as Record<string, unknown>);
    return result.ok ? { ok: true } : { ok: false, code: `auth.${result.reason}`, reason: result.detail };
  };
  return { mode: replayProtection ? 'verify' : 'signature-only', gate };
}
