export { CONTROLS, CONTROL_NAMES, PROFILES, PROFILE_NAMES, REQUIRES, type Control, type Controls, type ProfileName } from './controls.ts';
export { DEFAULT_ROLES, DOSE_COMMANDS, PERMISSIONS, PERMISSION_NAMES, isDoseCommand, type Permission, type RoleSpec } from './roles.ts';
export {
  OPEN_SECURITY,
  enabledControls,
  resolveControls,
  resolveSecurity,
  securitySchema,
  type SecurityConfig,
  type SecurityInput,
  withProfile,
} from './profile-schema.ts';
export { checkSecurityReferences, type SecurityIssue } from './references.ts';
export { Secret } from './secret.ts';
export {
  IdentitySet,
  TWIN_CLIENT_ID,
  consoleClientId,
  deviceClientId,
  type ConsoleIdentity,
  type DeviceIdentity,
  type FleetSubjects,
  type Identity,
  type TwinIdentity,
} from './identities.ts';
export { CredentialStore } from './credential-store.ts';
export { DEVICE_COST, OPERATOR_COST, hashPassword, verifyPassword, type PasswordHash, type ScryptCost } from './password-hash.ts';
export { LockoutTracker, type FailureOutcome, type LockoutPolicy } from './lockout.ts';
export { OperatorMfa, currentCode, type MfaResult } from './mfa.ts';
export {
  DEVICE_PUBLISH_CHANNELS,
  FIRMWARE_CHANNEL,
  canPublish,
  canReceive,
  canSubscribe,
  parseDeviceTopic,
  type AclDecision,
} from './acl.ts';
export { authorizeCommand, type CommandInfo, type CommandPolicyOptions } from './command-policy.ts';
export { BrokerSecurity, type BrokerSecurityOptions, type BrokerSecurityStats } from './broker-security.ts';
export type { ConnectRefusal, SecurityEvent, SecurityEventListener } from './events.ts';
export { RunCertificateAuthority, type CertificateFiles } from './tls-ca.ts';
export { MIN_TLS_VERSION, clientTlsOptions, proxyTlsOptions, serverTlsOptions, writeCaCertificate } from './tls-options.ts';
export { deriveSigningKey, type SigningKeyPair } from './signing-keys.ts';
export { CommandSigner, signedBytes, type CommandAuth, type CommandBody } from './signed-command.ts';
export {
  CommandVerifier,
  type CommandRejection,
  type CommandVerifierOptions,
  type TrustedIssuer,
  type VerifyResult,
} from './command-verifier.ts';
export { CommandTrust, TWIN_ROLE } from './command-trust.ts';
export { ADVISORIES, WEAKNESSES, advisoriesFor, isVulnerable, weaknessesOf, type Advisory, type Weakness } from './firmware/catalogue.ts';
export {
  signImage,
  verifyImage,
  type FirmwareImage,
  type FirmwareManifest,
  type ImageCheck,
  type ImagePolicy,
  type ImageRejection,
} from './firmware/ota-image.ts';
export { AuditLog, GENESIS, verifyAuditLog, type AuditEntry, type AuditRecord, type AuditVerdict } from './audit-log.ts';
export { auditEntryOf } from './audit-events.ts';
export { PseudonymRegistry, findIdentifiers } from './privacy/pseudonyms.ts';
export { ConsentRegistry, PURPOSES, ResearchExport, type ExportRecord, type ExportedRecord, type Purpose } from './privacy/consent.ts';
