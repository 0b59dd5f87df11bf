import semver from 'semver';

/**
 * Weakness classes of real medical-device advisories, as firmware here can have them. Each names the
 * control that counters it: under that control, firmware without the weakness refuses what the
 * weakness would let through; firmware with it behaves vulnerably whatever the profile says
 * (docs/advisories.md).
 */
export const WEAKNESSES = {
  'default-credentials': {
    cwe: 'CWE-798',
    summary: 'ships with a well-known password, so anyone on the network can log in as the device',
    counteredBy: 'authentication',
  },
  'unauthenticated-commands': {
    cwe: 'CWE-306',
    summary: 'acts on any command that reaches it, without checking who sent it',
    counteredBy: 'signedCommands',
  },
  'replayable-commands': {
    cwe: 'CWE-294',
    summary: 'accepts a captured command again: it checks a signature but keeps no nonce or time window',
    counteredBy: 'signedCommands',
  },
  'plaintext-telemetry': {
    cwe: 'CWE-319',
    summary: 'cannot speak TLS, so its telemetry (and patient data) crosses the network readable',
    counteredBy: 'tls',
  },
  'unsigned-firmware': {
    cwe: 'CWE-494',
    summary: 'installs any update image offered, unsigned or older than what it runs',
    counteredBy: 'firmwarePolicy',
  },
} as const;

export type Weakness = keyof typeof WEAKNESSES;

export interface Advisory {
  id: string;
  title: string;
  kind: string;
  /** Versions affected, as a semver range. */
  affected: string;
  fixedIn: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  weaknesses: readonly Weakness[];
  /** The real advisories (CISA ICS medical advisories) whose weakness class this one models. */
  modelledOn: readonly string[];
}

/**
 * The catalogue: medtwin's own advisories against its simulated firmware, each modelled on the class
 * of weakness in real ICS medical advisories (cited in docs/advisories.md). The kinds' default
 * firmware (pump 3.2.1, monitor 1.0.0, CGM 1.0.0) is patched; a scenario runs a vulnerable fleet by
 * setting `fleet.zones[].config.<kind>.firmware` to an affected version.
 */
export const ADVISORIES: readonly Advisory[] = [
  {
    id: 'MEDTWIN-SA-2025-01',
    title: 'Infusion pump accepts a default password and unauthenticated commands',
    kind: 'infusion-pump',
    affected: '<2.0.0',
    fixedIn: '2.0.0',
    severity: 'critical',
    weaknesses: ['default-credentials', 'unauthenticated-commands'],
    modelledOn: ['ICSMA-17-250-02', 'ICSMA-20-023-01'],
  },
  {
    id: 'MEDTWIN-SA-2025-02',
    title: 'Infusion pump accepts replayed commands',
    kind: 'infusion-pump',
    affected: '<3.0.0',
    fixedIn: '3.0.0',
    severity: 'high',
    weaknesses: ['replayable-commands'],
    modelledOn: ['ICSMA-18-219-02'],
  },
  {
    id: 'MEDTWIN-SA-2025-03',
    title: 'Infusion pump installs unsigned or older firmware images',
    kind: 'infusion-pump',
    affected: '<3.2.0',
    fixedIn: '3.2.0',
    severity: 'high',
    weaknesses: ['unsigned-firmware'],
    modelledOn: ['ICSMA-20-023-01'],
  },
  {
    id: 'MEDTWIN-SA-2025-04',
    title: 'Patient monitor sends vital signs in cleartext',
    kind: 'patient-monitor',
    affected: '<1.0.0',
    fixedIn: '1.0.0',
    severity: 'medium',
    weaknesses: ['plaintext-telemetry'],
    modelledOn: ['ICSMA-19-080-01', 'ICSMA-25-030-01'],
  },
  {
    id: 'MEDTWIN-SA-2025-05',
    title: 'CGM transmitter sends readings in cleartext and accepts replayed commands',
    kind: 'cgm',
    affected: '<1.0.0',
    fixedIn: '1.0.0',
    severity: 'high',
    weaknesses: ['plaintext-telemetry', 'replayable-commands'],
    modelledOn: ['ICSMA-18-219-02'],
  },
];

/** The advisories that affect `kind` at `version` (none for a version that is not semver). */
export function advisoriesFor(kind: string, version: string): Advisory[] {
  const valid = semver.valid(version);
  if (valid === null) return [];
  return ADVISORIES.filter((a) => a.kind === kind && semver.satisfies(valid, a.affected));
}

/** The weaknesses firmware `version` of `kind` has. */
export function weaknessesOf(kind: string, version: string): Set<Weakness> {
  return new Set(advisoriesFor(kind, version).flatMap((a) => a.weaknesses));
}

export function isVulnerable(kind: string, version: string): boolean {
  return advisoriesFor(kind, version).length > 0;
}
