/**
 * The MITRE ATT&CK techniques medtwin's attacks and detections are labelled with: ATT&CK for ICS
 * (https://attack.mitre.org/techniques/ics/) where it has one, ATT&CK Enterprise where ICS does not
 * (credential brute force). Names as MITRE publishes them.
 */
export const TECHNIQUES = {
  T0812: { name: 'Default Credentials', matrix: 'ics' },
  T0814: { name: 'Denial of Service', matrix: 'ics' },
  T0815: { name: 'Denial of View', matrix: 'ics' },
  T0826: { name: 'Loss of Availability', matrix: 'ics' },
  T0831: { name: 'Manipulation of Control', matrix: 'ics' },
  T0832: { name: 'Manipulation of View', matrix: 'ics' },
  T0836: { name: 'Modify Parameter', matrix: 'ics' },
  T0838: { name: 'Modify Alarm Settings', matrix: 'ics' },
  T0839: { name: 'Module Firmware', matrix: 'ics' },
  T0842: { name: 'Network Sniffing', matrix: 'ics' },
  T0846: { name: 'Remote System Discovery', matrix: 'ics' },
  T0857: { name: 'System Firmware', matrix: 'ics' },
  T0849: { name: 'Masquerading', matrix: 'ics' },
  T0855: { name: 'Unauthorized Command Message', matrix: 'ics' },
  T0856: { name: 'Spoof Reporting Message', matrix: 'ics' },
  T0859: { name: 'Valid Accounts', matrix: 'ics' },
  T0861: { name: 'Point & Tag Identification', matrix: 'ics' },
  T0866: { name: 'Exploitation of Remote Services', matrix: 'ics' },
  T0878: { name: 'Alarm Suppression', matrix: 'ics' },
  T0882: { name: 'Theft of Operational Information', matrix: 'ics' },
  T0886: { name: 'Remote Services', matrix: 'ics' },
  T0888: { name: 'Remote System Information Discovery', matrix: 'ics' },
  T1110: { name: 'Brute Force', matrix: 'enterprise' },
} as const satisfies Record<string, { name: string; matrix: 'ics' | 'enterprise' }>;

export type TechniqueId = keyof typeof TECHNIQUES;

/** The technique's page on attack.mitre.org. */
export function techniqueUrl(id: TechniqueId): string {
  return `https://attack.mitre.org/techniques/${id}/`;
}
