import { mlPerHToDose } from '../../../../devices/infusion-pump/drug-library.ts';
import { defineRule } from '../rule.ts';
import { commandOf } from '../payload.ts';

/**
 * A pump program or bolus beyond the drug library's limits: over the hard limit (the pump refuses it,
 * but someone tried), or over the soft limit with the override flag set. Dose error reduction software
 * exists because such doses kill (ISMP; FDA infusion pump improvement initiative); a soft-limit
 * override from the network, with no clinician at the bedside, is the 3,900 U/h heparin reprogram and
 * the 9,000 U bolus of issue 17 (ATT&CK for ICS T0836 Modify Parameter, T0831 Manipulation of Control).
 */
export const doseLimitOverride = defineRule({
  name: 'dose-limit-override',
  summary: 'a pump program or bolus over the drug library’s hard limit, or over its soft limit with the override set',
  rationale:
    'The drug library (DERS) bounds every dose; a remote command past its hard limit, or past a soft limit with confirmSoftLimit, ' +
    'is the dangerous parameter change an attacker makes (ATT&CK for ICS T0836 Modify Parameter, T0831 Manipulation of Control).',
  severity: 'high',
  techniques: ['T0836', 'T0831'],
  create(ctx) {
    // The drug each pump was last programmed with, for its boluses.
    const drugOf = new Map<string, string>();
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.kind !== 'infusion-pump') return [];
        const library = target.known?.drugLibrary;
        if (library === undefined) return [];
        if (target.channel !== 'cmd') return [];
        const command = commandOf(o);
        if (command === undefined) return [];
        let drug: string | undefined;
        let amount: number | undefined;
        let limits: { softMax: number; hardMax: number } | undefined;
        let unit = '';
        if (command.type === 'program' && typeof command.drug === 'string') {
          drug = command.drug;
          drugOf.set(target.deviceId, drug);
          const entry = library[drug];
          if (entry === undefined) return [];
          const weight = typeof command.weightKg === 'number' ? command.weightKg : undefined;
          amount =
            typeof command.doseRate === 'number'
              ? command.doseRate
              : typeof command.rate === 'number'
                ? mlPerHToDose(command.rate, entry.doseUnit, entry.concentration, weight)
                : undefined;
          limits = entry.rate;
          unit = entry.doseUnit;
        } else if (command.type === 'bolus' && typeof command.amount === 'number') {
          drug = drugOf.get(target.deviceId);
          const entry = drug === undefined ? undefined : library[drug];
          // Without a program seen, judge the bolus by the strictest bolus limit in the library.
          const candidates = entry?.bolus ? [entry.bolus] : Object.values(library).flatMap((e) => (e.bolus ? [e.bolus] : []));
          limits = candidates.sort((a, b) => a.softMax - b.softMax)[0];
          amount = command.amount;
          unit = entry ? `${entry.doseUnit.split('/')[0]}` : '(drug unknown)';
        }
        if (amount === undefined || limits === undefined) return [];
        const base = { evidence: [o.id], clientId: ctx.subjectOf(o).clientId, device: target.deviceId, key: command.type };
        const what = `${command.type} of ${round(amount)} ${unit}${drug ? ` ${drug}` : ''} to ${target.deviceId}`;
        if (amount > limits.hardMax) {
          return [{ ...base, summary: `${what}: over the hard limit ${limits.hardMax}`, severity: 'critical' }];
        }
        if (amount > limits.softMax && command.confirmSoftLimit === true) {
          return [{ ...base, summary: `${what}: over the soft limit ${limits.softMax}, override set` }];
        }
        return [];
      },
    };
  },
});

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
