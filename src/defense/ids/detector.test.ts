import { describe, expect, it } from 'vitest';
import { IDS_FLEET, envelope, publish, subscribe, topic } from '../../../test/helpers/ids.ts';
import { TECHNIQUES } from '../techniques.ts';
import { IdsContext } from './context.ts';
import { IdsDetector } from './detector.ts';
import type { Observation } from './observation.ts';
import { RULES, RULE_NAMES, getRule } from './registry.ts';

const attack: Observation[] = [
  subscribe(1000, 'attacker', '#'),
  subscribe(1000, 'attacker', '$SYS/#'),
  publish(1000, 'attacker', topic('pump-001', 'cmd'), envelope('x', { type: 'pause' }), { retain: true }),
  { kind: 'connect', t: 1000, clientId: 'attacker', takeover: false },
];

describe('IdsDetector', () => {
  it('gives the same alerts and evidence ids however the clients of a window interleaved, keeping each client’s own order', () => {
    const other = [
      subscribe(1000, 'medtwin-twin', 'medtwin/general-hospital/#'),
      publish(1000, 'medtwin-pump-002', topic('pump-002', 'telemetry'), '{}'),
    ];
    const forward = new IdsDetector(new IdsContext(IDS_FLEET)).observe([...attack, ...other]);
    const interleaved = new IdsDetector(new IdsContext(IDS_FLEET)).observe([other[1]!, attack[0]!, other[0]!, ...attack.slice(1)]);
    expect(interleaved).toEqual(forward);
    expect(forward.map((a) => a.data.rule).sort()).toEqual([
      'eavesdrop-subscribe',
      'retained-command',
      'sys-probe',
      'unauthorized-command',
      'unknown-client',
    ]);
    expect(forward.every((a) => a.type === 'ids.alert' && a.source === 'ids' && a.t === 1000)).toBe(true);
  });

  it('raises one alert per rule and subject within realertMs and counts the rest as suppressed', () => {
    const detector = new IdsDetector(new IdsContext(IDS_FLEET, { realertMs: 60_000 }), ['unauthorized-command']);
    const forged = (t: number) => publish(t, 'attacker', topic('pump-001', 'cmd'), envelope('x', { type: 'pause' }));
    expect(detector.observe([forged(0)])).toHaveLength(1);
    expect(detector.observe([forged(30_000)])).toHaveLength(0);
    expect(detector.observe([forged(60_000)])).toHaveLength(1);
    expect(detector.stats).toEqual({ observations: 3, alerts: 2, suppressed: 1 });
  });

  it('refuses a batch older than one it has seen (a determinism bug in the caller)', () => {
    const detector = new IdsDetector(new IdsContext(IDS_FLEET));
    detector.observe([subscribe(5000, 'x', 'a')]);
    expect(() => detector.observe([subscribe(4000, 'x', 'a')])).toThrow(/feed observations window by window in time order/);
  });
});

describe('rule registry', () => {
  it('each rule is registered under its own name, with a rationale and known techniques', () => {
    for (const name of RULE_NAMES) {
      const rule = RULES[name];
      expect(rule.name).toBe(name);
      expect(rule.rationale.length).toBeGreaterThan(80);
      expect(rule.techniques.length).toBeGreaterThan(0);
      for (const t of rule.techniques) expect(TECHNIQUES).toHaveProperty(t);
    }
  });

  it('an unknown rule name suggests the nearest', () => {
    expect(() => getRule('sys-prob', 'ids.rules[0]')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: ids.rules[0]: unknown IDS rule "sys-prob" — did you mean "sys-probe"? (known: auth-brute-force, client-id-takeover, command-replay, connect-flood, default-credentials, distributed-flood, dose-limit-override, eavesdrop-subscribe, firmware-mismatch, firmware-refused, malformed-packet, publish-flood, refused-access, retained-command, slow-connections, sys-probe, telemetry-seq-anomaly, unauthorized-command, unexpected-topic, unknown-client)]`,
    );
  });
});
