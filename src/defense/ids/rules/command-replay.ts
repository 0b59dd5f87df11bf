import { defineRule } from '../rule.ts';
import { commandAuthOf, commandOf } from '../payload.ts';

/**
 * A signed command whose nonce was already used, or whose timestamp lies outside the freshness window:
 * a captured command sent again (FDA 2023 premarket guidance, Appendix 1: anti-replay; CWE-294). The
 * device firmware refuses these under `signedCommands`; the IDS sees them even where vulnerable
 * firmware would not (ATT&CK for ICS T0855 Unauthorized Command Message).
 */
export const commandReplay = defineRule({
  name: 'command-replay',
  summary: 'a signed command with a nonce already used, or a stale or future timestamp',
  rationale:
    'Every signed command carries a fresh 128-bit nonce and the issuer’s time (src/net/security/signed-command.ts); a repeated ' +
    'nonce or a timestamp outside thresholds.commandFreshnessMs is a replay (CWE-294; ATT&CK for ICS T0855 Unauthorized Command Message).',
  severity: 'high',
  techniques: ['T0855'],
  create(ctx) {
    const { commandFreshnessMs, nonceMemoryMs } = ctx.thresholds;
    const seen = new Map<string, { t: number; id: number }>();
    return {
      observe(o) {
        if (o.kind !== 'publish') return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'cmd') return [];
        const command = commandOf(o);
        const auth = command === undefined ? undefined : commandAuthOf(command);
        if (auth === undefined) return [];
        for (const [nonce, first] of seen) if (first.t < o.t - nonceMemoryMs) seen.delete(nonce);
        const base = { clientId: o.clientId, device: target.deviceId };
        const first = seen.get(auth.nonce);
        if (first !== undefined) {
          return [
            {
              ...base,
              evidence: [first.id, o.id],
              summary: `${command!.type} to ${target.deviceId} replays nonce ${auth.nonce} first seen at ${first.t} ms`,
            },
          ];
        }
        seen.set(auth.nonce, { t: o.t, id: o.id });
        if (Math.abs(auth.ts - o.t) > commandFreshnessMs) {
          return [
            {
              ...base,
              evidence: [o.id],
              severity: 'medium',
              summary: `${command!.type} to ${target.deviceId} signed at ${auth.ts} ms, ${o.t - auth.ts} ms from now`,
            },
          ];
        }
        return [];
      },
    };
  },
});
