import { describe, expect, it } from 'vitest';
import { ConsentRegistry, ResearchExport } from './consent.ts';
import { findIdentifiers, PseudonymRegistry } from './pseudonyms.ts';

describe('pseudonyms', () => {
  it('are random codes, stable for a seed, unlinkable across seeds, and reversible only through the registry', () => {
    const a = new PseudonymRegistry(1);
    const again = new PseudonymRegistry(1);
    const other = new PseudonymRegistry(2);
    const p = a.pseudonymOf('P-001');
    expect(p).toMatch(/^PSN-[0-9a-f]{16}$/);
    expect(p).not.toContain('001');
    expect(again.pseudonymOf('P-001')).toBe(p);
    expect(other.pseudonymOf('P-001')).not.toBe(p);
    expect(a.pseudonymOf('P-002')).not.toBe(p);
    expect(a.reidentify(p)).toBe('P-001');
    expect(other.reidentify(p)).toBeUndefined();
  });

  it('findIdentifiers flags a message carrying a name or MRN', () => {
    const ids = ['Ada Lovelace', 'MRN-0042', 'P-001'];
    expect(findIdentifiers('{"patient":"PSN-1a2b","spo2":97}', ids)).toEqual([]);
    expect(findIdentifiers('{"patient":"Ada Lovelace","mrn":"MRN-0042"}', ids)).toEqual(['Ada Lovelace', 'MRN-0042']);
  });
});

describe('consent-gated research export', () => {
  it('exports only consented patients, within their consent window, under pseudonyms', () => {
    const consent = ConsentRegistry.of({ 'P-001': ['research'], 'P-002': ['quality-improvement'] });
    consent.grant('P-003', 'research', 60_000);
    consent.withdraw('P-001', 'research', 120_000);
    const pseudonyms = new PseudonymRegistry(9);
    const exporter = new ResearchExport(consent, pseudonyms);
    const offer = (patientId: string, t: number) => exporter.offer({ patientId, t, values: { hr: 80 } });
    expect([offer('P-001', 0), offer('P-002', 0), offer('P-003', 0), offer('P-003', 60_000), offer('P-001', 120_000)]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(exporter.withheld).toBe(3);
    expect(exporter.records.map((r) => r.patient)).toEqual([pseudonyms.pseudonymOf('P-001'), pseudonyms.pseudonymOf('P-003')]);
    expect(JSON.stringify(exporter.records)).not.toMatch(/P-00\d/);
  });
});
