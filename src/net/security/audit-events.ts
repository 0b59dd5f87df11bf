import type { AuditEntry } from './audit-log.ts';
import type { SecurityEvent } from './events.ts';

/** The audit record of a broker security event (phase 2 writes every one to the run's audit log). */
export function auditEntryOf(event: SecurityEvent): AuditEntry {
  switch (event.type) {
    case 'auth.accepted':
      return { t: event.t, action: 'connect', actor: event.clientId };
    case 'auth.refused':
      return {
        t: event.t,
        action: 'connect.refused',
        actor: event.clientId,
        reason: event.reason,
        ...(event.username ? { target: event.username } : {}),
      };
    case 'auth.lockout':
      return { t: event.t, action: 'lockout', actor: event.username, reason: `${event.failures} failures; locked until ${event.until} ms` };
    case 'subscribe.accepted':
      return { t: event.t, action: 'subscribe', actor: event.clientId, target: event.filter };
    case 'subscribe.denied':
      return { t: event.t, action: 'subscribe.denied', actor: event.clientId, target: event.filter, reason: event.reason };
    case 'publish.denied':
      return { t: event.t, action: 'publish.denied', actor: event.clientId, target: event.topic, reason: event.reason };
    case 'command.sent':
      return { t: event.t, action: 'command', actor: event.clientId, target: event.topic, reason: event.command };
    case 'will.denied':
      return { t: event.t, action: 'will.denied', actor: event.clientId, target: event.topic, reason: event.reason };
  }
}
