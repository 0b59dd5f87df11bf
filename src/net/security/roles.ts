/**
 * Operator roles and what each may do. A console has one role and one zone (or the whole site);
 * the ACL (acl.ts) turns the permissions into topics.
 */
export const PERMISSIONS = {
  read: "subscribe to the zone's device telemetry, alarm, state, status and command acks",
  command: "send non-dose commands (start, pause, acknowledge, silence...) to the zone's devices",
  dose: "send dose-changing commands (an infusion pump's program and bolus) to the zone's devices",
  firmware: "publish firmware updates to the zone's devices",
  sys: "read the broker's own $SYS topics",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export interface RoleSpec {
  permissions: readonly Permission[];
  /** True for a role whose consoles cover the whole site; otherwise there is one console per zone. */
  siteWide: boolean;
}

/**
 * The built-in roles (NIST SP 1800-8, wireless infusion pumps, names clinicians, biomedical engineers and security staff
 * as the actors around an infusion pump). A clinician programs and doses; a biomed engineer keeps
 * devices running and patched but does not dose; security reads the broker's health, not patients.
 */
export const DEFAULT_ROLES: Readonly<Record<string, RoleSpec>> = {
  clinician: { permissions: ['read', 'command', 'dose'], siteWide: false },
  biomed: { permissions: ['read', 'command', 'firmware'], siteWide: false },
  security: { permissions: ['sys'], siteWide: true },
};

/**
 * Commands that change the dose a patient receives, by device kind. An operator sending one remotely
 * needs a second factor under `operatorMfa` (FDA 2023 guidance: authentication strength fitting the
 * risk of the function); the pump's own start and resume only continue a program already confirmed.
 */
export const DOSE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  'infusion-pump': ['program', 'bolus'],
};

export function isDoseCommand(kind: string, commandType: unknown): boolean {
  return typeof commandType === 'string' && (DOSE_COMMANDS[kind]?.includes(commandType) ?? false);
}

/** Offering a firmware image (ota-offer.ts) is a biomed's job, not a clinician's (`firmware` permission). */
export const FIRMWARE_COMMAND = 'firmware.update';

/** The permission a command needs: `firmware` to offer an image, `dose` to change a dose, else `command`. */
export function commandPermission(kind: string, commandType: unknown): 'firmware' | 'dose' | 'command' {
  if (commandType === FIRMWARE_COMMAND) return 'firmware';
  return isDoseCommand(kind, commandType) ? 'dose' : 'command';
}
