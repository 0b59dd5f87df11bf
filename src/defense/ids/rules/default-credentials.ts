import { defineRule } from '../rule.ts';

/**
 * A login presenting a well-known default password (default-passwords.ts), accepted or not. On an
 * `open` broker every CONNECT is accepted, so a guesser's first try is in and there is no burst of
 * refusals for auth-brute-force to count — but the guess is in the packet all the same: the broker
 * reads it, and without TLS so does any network IDS (Suricata's `mqtt.connect.password`). The fleet
 * logs in with per-run random passwords, or none on an open broker, never with a default.
 */
export const defaultCredentials = defineRule({
  name: 'default-credentials',
  summary: 'a login presenting a well-known default password, whether or not the broker accepted it',
  rationale:
    'Devices, the twin and consoles log in with per-run random passwords (none on an open broker); a CONNECT presenting a ' +
    'vendor default or a top leaked password (CISA ICSMA-17-250-02, CWE-1392, the Mirai list) is someone guessing, even ' +
    'where the broker lets everyone in (ATT&CK T1110 Brute Force; ICS T0812 Default Credentials, T0859 Valid Accounts).',
  severity: 'high',
  techniques: ['T1110', 'T0812', 'T0859'],
  create() {
    return {
      observe(o) {
        if (o.kind !== 'connect' || o.defaultPassword !== true) return [];
        const as = o.username ?? o.clientId;
        return [{ summary: `${o.clientId} logged in as ${as} with a well-known default password`, evidence: [o.id], clientId: o.clientId }];
      },
    };
  },
});
