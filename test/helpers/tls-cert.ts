import { generate } from 'selfsigned';

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost (EC P-256, one day), for tests
 * and the fuzz campaign's TLS listener. The client trusts it by passing `cert` as its `ca`.
 */
export async function throwawayCert(): Promise<{ key: string; cert: string }> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
