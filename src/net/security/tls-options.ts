import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';
import type { ProxyTls } from '../proxy/tls-termination.ts';
import type { CertificateFiles, RunCertificateAuthority } from './tls-ca.ts';

/** TLS 1.2 is the floor: NIST SP 800-52r2 §3.1 and the FDA 2023 guidance rule out 1.0 and 1.1. */
export const MIN_TLS_VERSION = 'TLSv1.2';

/**
 * Options for the broker's TLS listener: its certificate, TLS 1.2 or later, and under mutual TLS a
 * client certificate signed by the run CA required in the handshake (a client without one never
 * reaches MQTT). Binding the certificate's CN to the MQTT client id is the broker hook's job.
 */
export function serverTlsOptions(ca: string, server: CertificateFiles, mutual: boolean): TlsOptions {
  return {
    cert: server.cert,
    key: server.key,
    ca: [ca],
    minVersion: MIN_TLS_VERSION,
    requestCert: mutual,
    rejectUnauthorized: mutual,
    // A client that opens a socket and never finishes the handshake is dropped like one that never sends CONNECT.
    handshakeTimeout: 10_000,
  };
}

/** mqtt.js options for a client of the run's broker: verify it against the run CA, present `own` if given. */
export function clientTlsOptions(
  ca: string,
  own?: CertificateFiles,
): { ca: string; rejectUnauthorized: true; cert?: string; key?: string } {
  return { ca, rejectUnauthorized: true, ...(own ? { cert: own.cert, key: own.key } : {}) };
}

/**
 * TLS for a fault proxy that terminates it (net/proxy/tls-termination.ts): its listener serves `own`
 * (a certificate the run CA issued the proxy) with the broker's listener settings — TLS 1.2 or later,
 * and under mutual TLS a client certificate signed by the CA required; upstream it verifies the broker
 * against `ca` and, under mutual TLS, presents the certificate `certificateOf` gives for the CN the
 * client proved (none: the client is refused). One TLS context per identity, made when first needed.
 */
export function proxyTlsOptions(
  ca: string,
  own: CertificateFiles,
  mutual: boolean,
  certificateOf: (clientId: string) => CertificateFiles | undefined,
): ProxyTls {
  const contexts = new Map<string, SecureContext>();
  const context = (files?: CertificateFiles) =>
    createSecureContext({ ca: [ca], minVersion: MIN_TLS_VERSION, ...(files ? { cert: files.cert, key: files.key } : {}) });
  const anonymous = mutual ? undefined : context();
  return {
    listener: serverTlsOptions(ca, own, mutual),
    upstream: (commonName) => {
      if (!mutual) return anonymous;
      if (commonName === undefined) return undefined;
      let known = contexts.get(commonName);
      if (known === undefined) {
        const files = certificateOf(commonName);
        if (files === undefined) return undefined;
        known = context(files);
        contexts.set(commonName, known);
      }
      return known;
    },
  };
}

/**
 * Writes the run CA's certificate (public; never a key) where a user can point a tool at it:
 * `mosquitto_sub --cafile <dir>/ca.pem`, or MQTT Explorer's "CA certificate" field.
 */
export async function writeCaCertificate(ca: RunCertificateAuthority, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = resolve(join(dir, 'ca.pem'));
  await writeFile(path, ca.certPem);
  // Public by nature, and readable by tools running as another user (whatever the umask says).
  await chmod(path, 0o644);
  return path;
}
