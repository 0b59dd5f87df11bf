import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';

/**
 * The broker's listening socket: plain TCP, or TLS when `tls` is given (then only TLS — a plaintext
 * client fails the handshake and never reaches MQTT). `event` is where accepted sockets arrive.
 */
export function createListener(tls: TlsOptions | undefined): {
  server: Server;
  event: 'connection' | 'secureConnection';
  scheme: 'mqtt' | 'mqtts';
} {
  if (tls === undefined) return { server: createServer(), event: 'connection', scheme: 'mqtt' };
  return { server: createTlsServer(tls), event: 'secureConnection', scheme: 'mqtts' };
}
