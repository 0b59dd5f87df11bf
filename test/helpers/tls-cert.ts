import { RunCertificateAuthority } from '../../src/net/security/tls-ca.ts';

/**
 * A throwaway certificate for 127.0.0.1 and localhost, issued by a throwaway CA (the same
 * @peculiar/x509 authority a run uses: src/net/security/tls-ca.ts), for the fuzz campaign's TLS
 * listener. A client trusts it by passing `ca` as its `ca`.
 */
export async function throwawayCert(): Promise<{ key: string; cert: string; ca: string }> {
  const authority = await RunCertificateAuthority.create({ name: 'medtwin fuzz CA', validityDays: 1 });
  const server = await authority.issueServer(['localhost', '127.0.0.1']);
  return { key: server.key, cert: server.cert, ca: authority.certPem };
}
