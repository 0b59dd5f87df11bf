import type { AclDecision } from './acl.ts';
import { parseDeviceTopic } from './acl.ts';
import type { Identity } from './identities.ts';
import type { OperatorMfa } from './mfa.ts';
import { commandPermission } from './roles.ts';

export interface CommandPolicyOptions {
  /** Check the operator's second factor on dose-changing commands (the operatorMfa control). */
  mfa?: OperatorMfa;
}

/** What a command publish was found to be, for the audit log. */
export interface CommandInfo {
  command: string;
  dose: boolean;
}

/**
 * The payload side of authorising a command: a console needs the `dose` permission for a command
 * that changes a dose, `firmware` to offer an image (the twin may not) and `command` for any other; under operatorMfa a dose-changing command needs a
 * valid TOTP code in `body.auth.otp`, and only an operator (not the twin) may send one — FDA's 2023
 * guidance asks for authentication fitting the risk of the function, and remote dosing is the
 * highest risk a pump exposes. Commands are enveloped (docs/topics.md): `{ ..., body: { type, ... } }`.
 */
export function authorizeCommand(
  identity: Identity,
  topic: string,
  payload: Buffer | string,
  options: CommandPolicyOptions,
): AclDecision & { info?: CommandInfo } {
  const target = parseDeviceTopic(topic, identity.site);
  if (target === undefined || target.channel !== 'cmd') return { allowed: true };
  const body = commandBody(payload);
  const command = typeof body?.type === 'string' ? body.type : '(unreadable)';
  const needed = commandPermission(target.kind, body?.type);
  const dose = needed === 'dose';
  const info = { command, dose };
  if (identity.type === 'console') {
    if (!identity.permissions.includes(needed)) {
      const what = needed === 'firmware' ? 'firmware updates' : `${dose ? 'dose-changing ' : ''}commands`;
      return { allowed: false, reason: `role ${identity.role} may not send ${what} (needs ${needed})`, info };
    }
    if (dose && options.mfa !== undefined) {
      const auth = body?.auth;
      const code = auth !== null && typeof auth === 'object' ? (auth as Record<string, unknown>).otp : undefined;
      const result = options.mfa.verify(identity, code, target.deviceId);
      if (!result.ok) return { allowed: false, reason: `${command} changes a dose and needs a second factor: ${result.reason}`, info };
    }
    return { allowed: true, info };
  }
  if (identity.type === 'twin' && needed === 'firmware') {
    return { allowed: false, reason: `${command} offers firmware: only a console with the firmware permission may`, info };
  }
  if (identity.type === 'twin' && dose && options.mfa !== undefined) {
    return {
      allowed: false,
      reason: `${command} changes a dose: under operatorMfa only an operator with a second factor may send it`,
      info,
    };
  }
  return { allowed: true, info };
}

function commandBody(payload: Buffer | string): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8')) as unknown;
    if (json === null || typeof json !== 'object') return undefined;
    const body = (json as Record<string, unknown>).body;
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
