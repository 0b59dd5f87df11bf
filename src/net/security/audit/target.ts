import { InputError } from '../../../core/errors.ts';

export interface AuditTarget {
  /** As given, for reports. */
  url: string;
  host: string;
  port: number;
  tls: boolean;
}

const SCHEMES: Record<string, { tls: boolean; port: number }> = {
  'mqtt:': { tls: false, port: 1883 },
  'tcp:': { tls: false, port: 1883 },
  'mqtts:': { tls: true, port: 8883 },
  'ssl:': { tls: true, port: 8883 },
  'tls:': { tls: true, port: 8883 },
};

/** Parses `mqtt://host[:port]` or `mqtts://host[:port]`; anything else is bad input (exit 2). */
export function parseAuditTarget(text: string): AuditTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      'E_AUDIT_URL',
      `expected a broker URL like mqtt://127.0.0.1:1883 or mqtts://broker.example:8883, received ${JSON.stringify(text)}`,
    );
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) {
    throw new InputError(
      'E_AUDIT_URL',
      `unsupported scheme "${url.protocol}" in ${JSON.stringify(text)}: use mqtt:// (plaintext) or mqtts:// (TLS)`,
    );
  }
  if (url.hostname === '') throw new InputError('E_AUDIT_URL', `no host in ${JSON.stringify(text)}`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { url: text, host, port: url.port === '' ? scheme.port : Number(url.port), tls: scheme.tls };
}
