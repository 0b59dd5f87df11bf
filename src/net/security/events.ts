/** Why the broker refused a CONNECT. */
export type ConnectRefusal =
  | 'anonymous'
  | 'unknown-identity'
  | 'bad-password'
  | 'client-id-mismatch'
  | 'locked-out'
  | 'no-client-certificate'
  | 'certificate-mismatch'
  | 'will-denied';

/**
 * What the security layer observed, stamped with the run's clock. The runtime records these in the
 * event log and the audit log; nothing here ever carries a password, a key or a TOTP code.
 */
export type SecurityEvent =
  | { type: 'auth.accepted'; t: number; clientId: string; username: string; identity: string }
  | { type: 'auth.refused'; t: number; clientId: string; username: string | undefined; reason: ConnectRefusal }
  | { type: 'auth.lockout'; t: number; username: string; failures: number; until: number }
  | { type: 'subscribe.accepted'; t: number; clientId: string; filter: string }
  | { type: 'subscribe.denied'; t: number; clientId: string; filter: string; reason: string }
  /** `seq`: the envelope's sequence number, when the payload is a medtwin envelope (the run books its own dropped commands lost). */
  | { type: 'publish.denied'; t: number; clientId: string; topic: string; reason: string; seq?: number }
  | { type: 'command.sent'; t: number; clientId: string; topic: string; command: string }
  | { type: 'will.denied'; t: number; clientId: string; topic: string; reason: string };

export type SecurityEventListener = (event: SecurityEvent) => void;
