import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { nearestName } from '../../core/errors.ts';
import { DEFAULT_ROLES } from './roles.ts';

/** A problem in the `security` section, at a path under it (the scenario loader locates it). */
export interface SecurityIssue {
  path: PropertyKey[];
  message: string;
  /** Whether the problem is the key (a patient id) rather than the value under it. */
  at?: 'key' | 'value';
}

/**
 * The checks of the `security` section that need more than its own text: every console's role is
 * defined and its zone is one of the fleet's, every patient with a consent is in the fleet, and every
 * certificate file exists (relative to `baseDir`, the scenario file's folder). Reads the raw section, so it runs beside the schema check.
 */
export function checkSecurityReferences(
  section: unknown,
  fleet: { zones?: readonly string[]; patients?: readonly string[] },
  baseDir: string | undefined,
): SecurityIssue[] {
  const { zones, patients } = fleet;
  if (section === null || typeof section !== 'object' || Array.isArray(section)) return [];
  const raw = section as Record<string, unknown>;
  const issues: SecurityIssue[] = [];
  const roles = { ...DEFAULT_ROLES, ...(isRecord(raw.roles) ? raw.roles : {}) };
  const roleNames = Object.keys(roles);
  if (Array.isArray(raw.consoles)) {
    raw.consoles.forEach((entry, i) => {
      if (!isRecord(entry)) return;
      const path = ['consoles', i];
      if (typeof entry.role === 'string' && !roleNames.includes(entry.role)) {
        issues.push({ path: [...path, 'role'], message: unknown('role', entry.role, roleNames) });
      }
      if (typeof entry.zone === 'string' && zones !== undefined && !zones.includes(entry.zone)) {
        issues.push({ path: [...path, 'zone'], message: unknown('zone', entry.zone, zones) });
      }
    });
  }
  if (isRecord(raw.consent) && patients !== undefined) {
    for (const patient of Object.keys(raw.consent)) {
      if (!patients.includes(patient))
        issues.push({ path: ['consent', patient], message: unknown('patient', patient, patients.slice(0, 20)), at: 'key' });
    }
  }
  if (isRecord(raw.tls)) {
    for (const field of ['ca', 'cert', 'key'] as const) {
      const value = raw.tls[field];
      if (typeof value !== 'string' || value === '') continue;
      const path = isAbsolute(value) || baseDir === undefined ? value : resolve(baseDir, value);
      if (!existsSync(path)) issues.push({ path: ['tls', field], message: `no such file: ${JSON.stringify(value)} (looked for ${path})` });
      else if (!statSync(path).isFile()) issues.push({ path: ['tls', field], message: `${JSON.stringify(value)} is not a file (${path})` });
    }
  }
  return issues;
}

function unknown(what: string, value: string, names: readonly string[]): string {
  const near = nearestName(value, names);
  const hint = near === undefined ? '' : ` — did you mean "${near}"?`;
  return `unknown ${what} "${value}"${hint} (${what}s: ${names.join(', ')})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
