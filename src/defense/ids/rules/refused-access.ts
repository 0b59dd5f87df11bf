import { defineRule } from '../rule.ts';

const REFUSALS = new Set([
  'anonymous',
  'unknown-identity',
  'bad-password',
  'client-id-mismatch',
  'locked-out',
  'no-client-certificate',
  'certificate-mismatch',
]);

/**
 * A connection the broker refused: a TLS handshake without a client certificate from the run CA, or a
 * CONNECT without valid credentials. The fleet's devices, twin and consoles hold their credentials and
 * certificates and never fail; a refusal is someone without them trying the door — an attack the
 * controls stopped, which a security team still wants to know of (NIST SP 800-92: failed
 * authentications are among the first events to review; ATT&CK for ICS T0886 Remote Services, T0859
 * Valid Accounts). One alert per source per `realertMs`; bursts are auth-brute-force's and connect-flood's.
 */
export const refusedAccess = defineRule({
  name: 'refused-access',
  summary: 'a connection refused for want of a client certificate or valid credentials',
  rationale:
    'Provisioned clients never fail the TLS handshake or login; a refused connection is someone without credentials trying ' +
    '(NIST SP 800-92 failed authentications; ATT&CK for ICS T0886 Remote Services, T0859 Valid Accounts).',
  severity: 'medium',
  techniques: ['T0886', 'T0859'],
  create() {
    return {
      observe(o) {
        if (o.kind === 'protocol.error' && o.reason === 'tls')
          return [{ summary: `TLS handshake refused (${o.detail})`, evidence: [o.id], clientId: o.clientId }];
        if (o.kind === 'connect.refused' && REFUSALS.has(o.reason))
          return [{ summary: `connection as ${o.username ?? o.clientId} refused: ${o.reason}`, evidence: [o.id], clientId: o.clientId }];
        return [];
      },
    };
  },
});
