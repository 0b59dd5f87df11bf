import { isIP } from 'node:net';
import { connect, type ConnectionOptions, type DetailedPeerCertificate } from 'node:tls';

export interface TlsObservation {
  protocol: string;
  /** The certificate verified against the given CA file or the system store, for this host. */
  verified: boolean;
  verifyError?: string;
  subject: string;
  issuer: string;
  selfSigned: boolean;
  validFrom: string;
  validTo: string;
  expired: boolean;
  notYetValid: boolean;
  /** "EC prime256v1", "RSA 2048" ... */
  key: string;
  weakKey: boolean;
  fingerprint256: string;
}

export interface TlsProbeOptions {
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  timeoutMs: number;
}

/**
 * One TLS handshake that accepts any certificate, so the certificate can be examined whatever it is,
 * then a verdict on it as a client that checks would give (chain to `ca` or the system store, host
 * name, validity dates, key strength).
 */
export function observeTls(options: TlsProbeOptions): Promise<TlsObservation> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...connectionOptions(options), rejectUnauthorized: false });
    const timer = setTimeout(() => fail(new Error(`no TLS handshake within ${options.timeoutMs} ms`)), options.timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    }
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(true);
      const protocol = socket.getProtocol() ?? 'unknown';
      const authorizationError = socket.authorizationError === null ? undefined : String(socket.authorizationError);
      socket.destroy();
      resolve(describe(cert, protocol, socket.authorized, authorizationError));
    });
  });
}

/** Whether the server completes a handshake limited to TLS 1.0–1.1 (it should not). */
export function acceptsLegacyTls(options: TlsProbeOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({
      ...connectionOptions(options),
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      // OpenSSL's default security level refuses 1.0/1.1 on this side too; lower it to ask the server.
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const timer = setTimeout(() => done(undefined), options.timeoutMs);
    function done(protocol: string | undefined) {
      clearTimeout(timer);
      socket.destroy();
      resolve(protocol);
    }
    socket.once('error', () => done(undefined));
    socket.once('secureConnect', () => done(socket.getProtocol() ?? 'TLSv1.x'));
  });
}

function connectionOptions(options: TlsProbeOptions): ConnectionOptions {
  return {
    host: options.host,
    port: options.port,
    ...(isIP(options.host) === 0 ? { servername: options.host } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
  };
}

function describe(cert: DetailedPeerCertificate, protocol: string, authorized: boolean, verifyError: string | undefined): TlsObservation {
  const now = Date.now();
  const from = Date.parse(cert.valid_from);
  const to = Date.parse(cert.valid_to);
  const name = (n: Record<string, string | string[] | undefined> | undefined) =>
    n === undefined
      ? ''
      : Object.entries(n)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
          .join(', ');
  const asn1Curve = (cert as { asn1Curve?: string }).asn1Curve;
  const bits = (cert as { bits?: number }).bits;
  const key = asn1Curve !== undefined ? `EC ${asn1Curve}` : bits !== undefined ? `RSA ${bits}` : 'unknown';
  const result: TlsObservation = {
    protocol,
    verified: authorized,
    subject: name(cert.subject as Record<string, string>),
    issuer: name(cert.issuer as Record<string, string>),
    selfSigned: cert.issuerCertificate === undefined || cert.issuerCertificate.fingerprint256 === cert.fingerprint256,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    expired: Number.isFinite(to) && now > to,
    notYetValid: Number.isFinite(from) && now < from,
    key,
    // NIST SP 800-57 part 1 §5.6.1: RSA below 2048 bits gives under 112 bits of security.
    weakKey: bits !== undefined && asn1Curve === undefined && bits < 2048,
    fingerprint256: cert.fingerprint256,
  };
  if (verifyError !== undefined) result.verifyError = verifyError;
  return result;
}
