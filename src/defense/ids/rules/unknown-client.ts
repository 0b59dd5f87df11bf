import { defineRule } from '../rule.ts';

/**
 * A session opened by a client id that is not one of the fleet's identities: on an `open` broker,
 * anyone on the network who found it (MQTTSA's anonymous-access check;
 * ATT&CK for ICS T0886 Remote Services, T0812 Default Credentials when the broker accepts a guess).
 */
export const unknownClient = defineRule({
  name: 'unknown-client',
  summary: 'a client id the fleet does not know opens a session',
  rationale:
    'Every device, the twin and each console have known client ids (docs/topics.md); an accepted session under any other id ' +
    'is a foreign client on the clinical network (ATT&CK for ICS T0886 Remote Services, T0812 Default Credentials).',
  severity: 'medium',
  techniques: ['T0886', 'T0812'],
  create(ctx) {
    return {
      observe(o) {
        if (o.kind !== 'connect' || ctx.isKnownClient(o.authenticatedAs ?? o.clientId)) return [];
        return [{ summary: `unknown client ${o.clientId} connected`, evidence: [o.id], clientId: o.clientId }];
      },
    };
  },
});
