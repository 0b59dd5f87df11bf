import { acceptedTargets, type TargetKind } from './target.ts';

/** A target as a scenario writes it: selector fields plus `scope`. */
export interface ScopedSelector {
  scope?: TargetKind;
  device?: string | string[];
  kind?: string;
  zone?: string;
  tag?: string;
  count?: number;
  fraction?: number;
}

/** A problem with a target, at a field of it (`['scope']`, `['device']`). */
export interface ScopeProblem {
  field: keyof ScopedSelector;
  message: string;
}

/** The kind of target an entry acts on: its `scope`, or the fault's first accepted kind. */
export function scopeOf(fault: { targets?: readonly TargetKind[] }, target: ScopedSelector): TargetKind {
  return target.scope ?? acceptedTargets(fault)[0]!;
}

const SELECTOR_FIELDS = ['device', 'kind', 'zone', 'tag', 'count', 'fraction'] as const;

/**
 * What is wrong with `target` for `fault`, field by field: a scope the fault does not act on, or
 * selector fields that cannot pick that kind of target (a zone is picked by `zone` or `tag`; the site
 * and the twin are one each and take no selector).
 */
export function scopeProblems(fault: { name: string; targets?: readonly TargetKind[] }, target: ScopedSelector): ScopeProblem[] {
  const accepted = acceptedTargets(fault);
  const scope = scopeOf(fault, target);
  if (!accepted.includes(scope)) {
    return [{ field: 'scope', message: `${fault.name} acts on ${listKinds(accepted)}, not on ${article(scope)}` }];
  }
  const problems: ScopeProblem[] = [];
  if (scope === 'zone') {
    for (const field of ['device', 'kind'] as const) {
      if (target[field] === undefined) continue;
      const fix = accepted.includes('link') ? 'use scope: link to act on the links of those devices' : 'pick zones by zone or tag';
      problems.push({ field, message: `a zone target is picked by zone or tag, not by ${field}; ${fix}` });
    }
  }
  if (scope === 'site' || scope === 'twin') {
    for (const field of SELECTOR_FIELDS) {
      if (target[field] === undefined) continue;
      problems.push({
        field,
        message: `the ${scope} is one ${scope === 'site' ? 'broker' : 'client'} for the whole fleet and takes no selector; remove ${field}`,
      });
    }
  }
  return problems;
}

function listKinds(kinds: readonly TargetKind[]): string {
  const named = kinds.map(article);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`;
}

function article(kind: TargetKind): string {
  switch (kind) {
    case 'device':
      return 'a device';
    case 'link':
      return "a device's link";
    case 'zone':
      return 'a zone';
    case 'site':
      return 'the site (the broker)';
    case 'twin':
      return 'the twin';
  }
}
