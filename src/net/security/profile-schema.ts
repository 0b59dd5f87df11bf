import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { CONTROL_NAMES, CONTROLS, type Control, type Controls, PROFILE_NAMES, PROFILES, type ProfileName, REQUIRES } from './controls.ts';
import { PURPOSES, type Purpose } from './privacy/consent.ts';
import { DEFAULT_ROLES, PERMISSION_NAMES, PERMISSIONS, type RoleSpec } from './roles.ts';

/**
 * The scenario field `security` (docs/security.md): a named profile, or a mapping that starts from
 * one and overrides single controls and their settings. The schema checks structure and the rules
 * between controls; names that refer elsewhere (a console's zone, a certificate file) are checked by
 * `checkSecurityReferences` (references.ts), which knows the fleet and the file's folder.
 */

const profileNameSchema = z.enum(PROFILE_NAMES).describe(`A named set of controls: ${PROFILE_NAMES.join(', ')}`);

const controlsSchema = z
  .object(
    Object.fromEntries(CONTROL_NAMES.map((c) => [c, z.boolean().optional().describe(CONTROLS[c])])) as Record<
      Control,
      z.ZodOptional<z.ZodBoolean>
    >,
  )
  .strict()
  .describe('Switch single controls on or off, over the profile');

const permissionList = PERMISSION_NAMES.join(', ');
const roleSchema = z
  .object({
    permissions: z
      .array(z.enum(PERMISSION_NAMES))
      .min(1, `a role with no permissions can do nothing — give at least one of ${permissionList}, or remove the role`)
      .describe(
        Object.entries(PERMISSIONS)
          .map(([p, what]) => `${p}: ${what}`)
          .join('; '),
      ),
    /** One console for the whole site instead of one per zone. */
    siteWide: z.boolean().default(false),
  })
  .strict();

const consoleSchema = z
  .object({
    role: z.string().describe('A built-in role (clinician, biomed, security) or one defined under roles'),
    /** The zone the console reaches; omitted for a site-wide console. */
    zone: z.string().optional(),
  })
  .strict();

const lockoutSchema = z
  .object({
    /** Failed logins within `window` that lock the identity out. */
    attempts: z.number().int().positive().max(1000).default(5),
    window: durationSchema.default(300_000),
    /** How long the identity stays locked out. */
    duration: durationSchema.default(900_000),
  })
  .strict();

const commandsSchema = z
  .object({
    /** How far a signed command's timestamp may be from the device's clock (either way). */
    freshness: durationSchema.default(30_000),
  })
  .strict();

const tlsFilesSchema = z
  .object({
    /** PEM files for the broker instead of the per-run CA; paths relative to the scenario file. */
    ca: z.string().min(1),
    cert: z.string().min(1),
    key: z.string().min(1),
  })
  .strict()
  .describe("Bring your own broker certificate (PEM files) instead of the run's generated CA");

const securityObjectSchema = z
  .object({
    profile: profileNameSchema.default('open'),
    controls: controlsSchema.default({}),
    roles: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'role names are lowercase words like "pharmacist"'), roleSchema).default({}),
    consoles: z
      .array(consoleSchema)
      .min(1)
      .optional()
      .describe('Operator consoles; by default one per zone for each zone role, one site-wide for each site role'),
    lockout: lockoutSchema.default({ attempts: 5, window: 300_000, duration: 900_000 }),
    commands: commandsSchema.default({ freshness: 30_000 }),
    tls: tlsFilesSchema.optional(),
    consent: z
      .record(z.string(), z.array(z.enum(PURPOSES)).min(1))
      .optional()
      .describe(
        `Consent on record at the start of the run, by patient id (P-001): ${PURPOSES.join(', ')}. Patients not listed have given none.`,
      ),
  })
  .strict()
  .superRefine((value, ctx) => {
    const controls = resolveControls(value.profile, value.controls);
    for (const [control, rule] of Object.entries(REQUIRES) as [Control, { control: Control; why: string }][]) {
      if (controls[control] && !controls[rule.control]) {
        ctx.addIssue({
          code: 'custom',
          path: value.controls[control] === true ? ['controls', control] : ['controls', rule.control],
          message: `${control} needs ${rule.control} on: ${rule.why}`,
        });
      }
    }
    if (value.tls !== undefined && !controls.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'certificate files are given but the tls control is off; switch it on or remove tls',
      });
    }
    if (value.tls !== undefined && controls.mutualTls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message:
          "mutualTls issues each client a certificate from the run's own CA, which certificate files replace; remove tls or switch mutualTls off",
      });
    }
  });

/** A resolved security configuration: every control decided, every setting filled in. */
export interface SecurityConfig {
  profile: ProfileName;
  controls: Controls;
  roles: Readonly<Record<string, RoleSpec>>;
  /** Operator consoles, when the scenario lists them; otherwise derived from the roles and zones. */
  consoles?: readonly { role: string; zone?: string }[];
  lockout: { attempts: number; windowMs: number; durationMs: number };
  commands: { freshnessMs: number };
  tls?: { ca: string; cert: string; key: string };
  /** Consents given at the start of the run, by patient id. */
  consent: Readonly<Record<string, readonly Purpose[]>>;
}

/** The scenario field: a profile name, or a mapping of overrides. Absent means `open` (docs/security.md). */
export const securitySchema = z
  .union([z.string().meta({ enum: [...PROFILE_NAMES], description: profileNameSchema.description }), securityObjectSchema])
  .transform((value, ctx): SecurityConfig => {
    if (typeof value !== 'string') return resolveSecurity(value);
    if (isProfileName(value)) return resolveSecurity({ profile: value });
    // A plain string branch, checked here, so a typo is explained as a profile name (with "did you mean").
    ctx.issues.push({ code: 'invalid_value', values: [...PROFILE_NAMES], input: value });
    return z.NEVER;
  })
  .describe('Security controls for the run: open (the default), baseline, hardened, or a mapping of overrides (docs/security.md)');

export type SecurityInput = z.input<typeof securityObjectSchema>;

function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as string[]).includes(value);
}

/** Every control of `profile`, with `overrides` applied. */
export function resolveControls(profile: ProfileName, overrides: Partial<Record<Control, boolean | undefined>> = {}): Controls {
  const controls: Record<Control, boolean> = { ...PROFILES[profile] };
  for (const c of CONTROL_NAMES) if (overrides[c] !== undefined) controls[c] = overrides[c];
  return controls;
}

/** Fills in a parsed mapping (or just a profile name) with the defaults. */
export function resolveSecurity(value: {
  profile?: ProfileName;
  controls?: Partial<Record<Control, boolean | undefined>>;
  roles?: Record<string, { permissions: RoleSpec['permissions']; siteWide?: boolean }>;
  consoles?: readonly { role: string; zone?: string | undefined }[] | undefined;
  lockout?: { attempts: number; window: number; duration: number };
  commands?: { freshness: number };
  tls?: { ca: string; cert: string; key: string } | undefined;
  consent?: Readonly<Record<string, readonly Purpose[]>> | undefined;
}): SecurityConfig {
  const profile = value.profile ?? 'open';
  const roles: Record<string, RoleSpec> = { ...DEFAULT_ROLES };
  for (const [name, role] of Object.entries(value.roles ?? {}))
    roles[name] = { permissions: role.permissions, siteWide: role.siteWide ?? false };
  const lockout = value.lockout ?? { attempts: 5, window: 300_000, duration: 900_000 };
  const config: SecurityConfig = {
    profile,
    controls: resolveControls(profile, value.controls),
    roles,
    lockout: { attempts: lockout.attempts, windowMs: lockout.window, durationMs: lockout.duration },
    commands: { freshnessMs: value.commands?.freshness ?? 30_000 },
    consent: value.consent ?? {},
  };
  if (value.consoles !== undefined)
    config.consoles = value.consoles.map((c) => (c.zone === undefined ? { role: c.role } : { role: c.role, zone: c.zone }));
  if (value.tls !== undefined) config.tls = value.tls;
  return config;
}

/** `open`, as a run without a `security` field gets it. */
export const OPEN_SECURITY: SecurityConfig = resolveSecurity({ profile: 'open' });

/** The controls that are on, in their declared order (for reports). */
export function enabledControls(config: Pick<SecurityConfig, 'controls'>): Control[] {
  return CONTROL_NAMES.filter((c) => config.controls[c]);
}

/**
 * `config` (a scenario's, or none) run under `profile` instead (`medtwin run --security`): the
 * named set of controls replaces the scenario's profile and its overrides; roles, consoles, lockout,
 * freshness and consent stay. Certificate files the scenario brought stay only where TLS is on.
 */
export function withProfile(config: SecurityConfig | undefined, profile: ProfileName): SecurityConfig {
  const base = config ?? OPEN_SECURITY;
  const controls = resolveControls(profile);
  const { tls, ...rest } = base;
  return { ...rest, profile, controls, ...(tls !== undefined && controls.tls ? { tls } : {}) };
}
