import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ScenarioError } from './diagnostics.ts';
import { parseScenario, type ScenarioRegistries } from './loader.ts';

const registries: ScenarioRegistries = {
  devices: { 'infusion-pump': { kind: 'infusion-pump', idPrefix: 'pump' } },
  faults: {
    'device.door-open': { name: 'device.door-open', params: z.strictObject({}) },
    'network.down': { name: 'network.down', params: z.strictObject({}), targets: ['zone', 'link'] },
    'network.broker-restart': { name: 'network.broker-restart', params: z.strictObject({}), targets: ['site'] },
  },
};

const HEAD = `name: targets
duration: 1h
fleet:
  zones:
    - { id: icu, beds: 2, devices: { infusion-pump: 2 } }
timeline:
`;

function diagnostics(timeline: string): string[] {
  try {
    parseScenario(HEAD + timeline, 's.yaml', registries);
  } catch (error) {
    return (error as ScenarioError).diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
  }
  return [];
}

describe('timeline targets in a scenario file', () => {
  it('a scope the fault accepts, or none (the fault’s first), is valid and kept in the plan', () => {
    const plan = parseScenario(
      `${HEAD}  - { at: 1m, fault: network.down, target: { zone: icu } }
  - { at: 2m, fault: network.down, target: { scope: link, device: pump-001 } }
  - { at: 3m, fault: network.broker-restart }
`,
      's.yaml',
      registries,
    );
    expect(plan.timeline?.map((e) => e.target)).toEqual([{ zone: 'icu' }, { scope: 'link', device: 'pump-001' }, {}]);
  });

  it('a wrong scope, a selector the scope cannot use, and an unknown zone: each at file:line:col, naming the field', () => {
    expect(
      diagnostics(`  - { at: 1m, fault: device.door-open, target: { scope: zone, zone: icu } }
  - { at: 2m, fault: network.down, target: { device: pump-001 } }
  - { at: 3m, fault: network.broker-restart, target: { zone: icu } }
  - { at: 4m, fault: network.down, target: { zone: icx } }
  - { at: 5m, fault: network.down, target: { scope: lnk } }
`),
    ).toMatchInlineSnapshot(`
      [
        "7:57 timeline[0].target.scope: device.door-open acts on a device, not on a zone",
        "8:54 timeline[1].target.device: a zone target is picked by zone or tag, not by device; use scope: link to act on the links of those devices",
        "9:62 timeline[2].target.zone: the site is one broker for the whole fleet and takes no selector; remove zone",
        "10:52 timeline[3].target.zone: unknown zone "icx" — did you mean "icu"? (zones: icu)",
        "11:53 timeline[4].target.scope: expected one of "device", "link", "zone", "site", "twin", received "lnk" — did you mean "link"?",
      ]
    `);
  });
});
