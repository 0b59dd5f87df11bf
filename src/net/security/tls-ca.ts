import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first.
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type ProviderCrypto = Parameters<typeof x509.cryptoProvider.set>[0];

x509.cryptoProvider.set(webcrypto as unknown as ProviderCrypto);

// ECDSA P-256 with SHA-256: what NIST SP 800-52r2 §3.3.1 lists for TLS 1.2 certificates, and about
// a tenth of the cost of RSA-2048 to generate, which matters at one certificate per device.
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A certificate and its private key, both PEM. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/**
 * A certificate authority made for one run (with @peculiar/x509): it signs the broker's server
 * certificate and, under mutual TLS, one client certificate per identity whose CN is the client id.
 * Keys are random and live only in memory; TLS is transport, outside the event log, so they need not
 * come from the seed. Validity is wall-clock time, because peers check it against their own clocks.
 */
export class RunCertificateAuthority {
  readonly certPem: string;
  readonly #cert: x509.X509Certificate;
  readonly #keys: CryptoKeyPair;
  readonly #validityDays: number;
  /** The same for every certificate this CA issues: made once (it exports and hashes the CA's public key). */
  #authorityKeyId: Promise<x509.AuthorityKeyIdentifierExtension> | undefined;

  private constructor(cert: x509.X509Certificate, keys: CryptoKeyPair, validityDays: number) {
    this.#cert = cert;
    this.#keys = keys;
    this.certPem = cert.toString('pem');
    this.#validityDays = validityDays;
  }

  static async create(options: { name?: string; validityDays?: number } = {}): Promise<RunCertificateAuthority> {
    const validityDays = options.validityDays ?? 30;
    const keys = await generateKeys();
    const { notBefore, notAfter } = validity(validityDays);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${options.name ?? 'medtwin run CA'}, O=medtwin`,
      keys,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      serialNumber: serial(),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new RunCertificateAuthority(cert, keys, validityDays);
  }

  /**
   * A server's certificate (the broker's, a fault proxy's), valid for `hosts` (names and IP addresses)
   * as subject alternative names; its CN is `commonName`, by default the first host.
   */
  issueServer(hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'], commonName?: string): Promise<CertificateFiles> {
    const names = hosts.map((h) => ({ type: isIP(h) === 0 ? 'dns' : 'ip', value: h }) as x509.JsonGeneralName);
    return this.#issue(commonName ?? hosts[0] ?? 'localhost', x509.ExtendedKeyUsage.serverAuth, [
      new x509.SubjectAlternativeNameExtension(names),
    ]);
  }

  /** A client certificate whose CN is `clientId` (mutual TLS binds it to the MQTT client id). */
  issueClient(clientId: string): Promise<CertificateFiles> {
    return this.#issue(clientId, x509.ExtendedKeyUsage.clientAuth, []);
  }

  async #issue(commonName: string, usage: x509.ExtendedKeyUsage, extra: x509.Extension[]): Promise<CertificateFiles> {
    const keys = await generateKeys();
    this.#authorityKeyId ??= x509.AuthorityKeyIdentifierExtension.create(this.#keys.publicKey);
    const authorityKeyId = await this.#authorityKeyId;
    const { notBefore, notAfter } = validity(this.#validityDays);
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${escapeDn(commonName)}`,
      issuer: this.#cert.subject,
      publicKey: keys.publicKey,
      signingKey: this.#keys.privateKey,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      serialNumber: serial(),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        authorityKeyId,
        ...extra,
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { cert: cert.toString('pem'), key: pem('PRIVATE KEY', Buffer.from(pkcs8)) };
  }
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Backdated an hour, so a peer whose clock runs a little behind still accepts a fresh certificate. */
function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * DAY_MS) };
}

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: unique per CA, at most 20 octets). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body.trimEnd()}\n-----END ${label}-----\n`;
}
