import type { AclDecision } from './acl.ts';
import { parseDeviceTopic } from './acl.ts';
import type { Identity } from './identities.ts';
import type { OperatorMfa } from './mfa.ts';
import { isDoseCommand } from './roles.ts';

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
 * that changes a dose and `command` for any other; under operatorMfa a dose-changing command needs a
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
  const dose = isDoseCommand(target.kind, body?.type);
  const info = { command, dose };
  if (identity.type === 'console') {
    const needed = dose ? 'dose' : 'command';
    if (!identity.permissions.includes(needed)) {
      return {
        allowed: false,
        reason: `role ${identity.role} may not send ${dose ? 'dose-changing ' : ''}commands (needs ${needed})`,
        info,
      };
    }
    if (dose && options.mfa !== undefined) {
      const auth = body?.auth;
      const code = auth !== null && typeof auth === 'object' ? (auth as Record<string, unknown>).otp : undefined;
      const result = options.mfa.verify(identity, code, target.deviceId);
      if (!result.ok) return { allowed: false, reason: `${command} changes a dose and needs a second factor: ${result.reason}`, info };
    }
    return { allowed: true, info };
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
