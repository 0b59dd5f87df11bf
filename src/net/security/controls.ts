/**
 * The security controls a run can switch on, one switch each (docs/security.md), and the named sets
 * a scenario picks with `security: open | baseline | hardened`.
 *
 * `baseline` is what a hospital can deploy around devices it already owns — unique credentials,
 * segmentation, transport encryption, audit logging, pseudonymous telemetry, consent-gated research
 * export (HHS 405(d) HICP practices 3, 4, 6 and 8; NIST SP 1800-8). `hardened` adds what needs the
 * manufacturer's firmware — per-device certificates, signed commands, signed updates — and a second
 * factor for remote dose changes (FDA premarket cybersecurity guidance 2023, Appendix 1).
 */
export const CONTROLS = {
  authentication: 'every device, the twin and each operator console log in with their own per-run credentials (scrypt-hashed)',
  lockout: 'repeated login failures lock that identity out for a while, and each lockout is logged',
  acl: 'least-privilege topics: a device publishes only its own channels and reads only its own command topic; consoles reach only their zone',
  tls: 'MQTT over TLS 1.2+ with a certificate authority generated for the run; no plaintext listener',
  mutualTls: 'devices present a certificate from the run CA whose CN is their client id',
  signedCommands:
    'commands carry an Ed25519 signature over payload, target, issuer, nonce and time; stale, replayed or unsigned ones are refused',
  operatorMfa: "an operator's remote dose-changing command needs a TOTP second factor",
  firmwarePolicy: 'firmware updates must be signed by the manufacturer and never downgrade',
  pseudonyms: 'telemetry carries pseudonymous patient ids, never names or MRNs',
  consent: 'the research export includes only patients whose consent is on record',
  auditLog: 'a hash-chained log of connections, subscriptions, commands and denials',
} as const;

export type Control = keyof typeof CONTROLS;
export const CONTROL_NAMES = Object.keys(CONTROLS) as Control[];

export type Controls = Readonly<Record<Control, boolean>>;

const none: Controls = Object.fromEntries(CONTROL_NAMES.map((c) => [c, false])) as Record<Control, boolean>;
const all: Controls = Object.fromEntries(CONTROL_NAMES.map((c) => [c, true])) as Record<Control, boolean>;

/** The named sets. */
export const PROFILES = {
  /** Today's behaviour: anyone may connect, read and command. */
  open: none,
  baseline: { ...none, authentication: true, lockout: true, acl: true, tls: true, pseudonyms: true, consent: true, auditLog: true },
  hardened: all,
} as const satisfies Record<string, Controls>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** Controls that cannot work without another one: the message says why. */
export const REQUIRES: Partial<Record<Control, { control: Control; why: string }>> = {
  lockout: { control: 'authentication', why: 'a lockout counts failed logins, and without authentication there are none' },
  acl: { control: 'authentication', why: 'an ACL grants topics to identities, and without authentication every client is anonymous' },
  mutualTls: { control: 'tls', why: 'client certificates are presented in the TLS handshake' },
  operatorMfa: { control: 'authentication', why: 'the second factor belongs to an authenticated operator' },
};
