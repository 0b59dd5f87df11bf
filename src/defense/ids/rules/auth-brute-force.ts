import { defineRule, SlidingWindow } from '../rule.ts';

const GUESSES = new Set(['bad-password', 'unknown-identity', 'anonymous']);

/**
 * Repeated refused logins for one identity, and every lockout. A provisioned device or console knows
 * its password; a burst of failures is someone guessing (MQTTset's brute-force
 * class; ATT&CK Enterprise T1110 Brute Force, aiming at ICS T0859 Valid Accounts and T0812 Default
 * Credentials).
 */
export const authBruteForce = defineRule({
  name: 'auth-brute-force',
  summary: 'a burst of refused logins for one identity, or a lockout',
  rationale:
    'Devices and consoles log in with per-run credentials and never fail repeatedly; thresholds.authFailures refusals within ' +
    'its window, or a lockout, is password guessing (ATT&CK T1110 Brute Force; ICS T0859 Valid Accounts, T0812 Default Credentials).',
  severity: 'high',
  techniques: ['T1110', 'T0859', 'T0812'],
  create(ctx) {
    const { count, windowMs } = ctx.thresholds.authFailures;
    const windows = new Map<string, SlidingWindow>();
    return {
      observe(o) {
        if (o.kind === 'lockout') {
          return [{ summary: `${o.username} locked out after ${o.failures} failed logins`, evidence: [o.id], clientId: o.username }];
        }
        if (o.kind !== 'connect.refused' || !GUESSES.has(o.reason)) return [];
        const key = o.username ?? o.clientId;
        let window = windows.get(key);
        if (window === undefined) windows.set(key, (window = new SlidingWindow(windowMs)));
        const n = window.add(o.t, o.id);
        if (n < count) return [];
        return [{ summary: `${n} refused logins as ${key} within ${windowMs / 1000} s`, evidence: window.ids(), clientId: key }];
      },
    };
  },
});
