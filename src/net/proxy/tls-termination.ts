import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext, type TlsOptions } from 'node:tls';

/**
 * TLS as a fault proxy terminates it, the way a middlebox that inspects traffic is built: its listener
 * serves TLS with a certificate of its own (the run CA's), and each accepted client gets an upstream
 * connection that verifies the broker's certificate against that CA. Under mutual TLS the listener
 * requires a client certificate signed by the CA, and the upstream connection presents the certificate
 * of the identity the client proved (the same CN), so the broker still authenticates each device by its
 * own certificate; a client that proves none never reaches the broker.
 */
export interface ProxyTls {
  /** The listener's options for `tls.createServer`: certificate, TLS 1.2 or later, and under mutual TLS `requestCert` and `rejectUnauthorized`. */
  listener: TlsOptions;
  /**
   * The upstream connection's context (the CA to verify the broker with, TLS 1.2 or later, and the
   * certificate to present) for a client whose verified certificate has CN `commonName` (undefined:
   * the listener asks for none). Undefined refuses the client: the proxy has no such identity to present.
   */
  upstream(commonName: string | undefined): SecureContext | undefined;
}

/** A socket to the upstream, the TCP socket under it (the same one without TLS), and the event after which it carries bytes. */
export interface Dialled {
  socket: Socket;
  tcp: Socket;
  ready: 'connect' | 'secureConnect';
}

/**
 * The TCP socket under each TLS socket the proxy made or accepted: a reset has to go there, since
 * Node resets only a TCP handle (a TLS socket's `resetAndDestroy` throws ERR_INVALID_HANDLE_TYPE).
 */
const tcpUnder = new WeakMap<Socket, Socket>();

/** Notes that `secure` runs over `raw` (so `resetSocket(secure)` sends a TCP RST on `raw`). */
export function noteTcpUnder(secure: Socket, raw: Socket): void {
  tcpUnder.set(secure, raw);
}

/**
 * Closes `socket` with a TCP RST, TLS or not (a real middlebox's reset is a TCP one; no close_notify).
 * Under TLS only the TCP socket is reset: the TLS socket closes when its handle does (destroying it in
 * the same turn, inside its handshake callback, crashes Node 20's TLS wrap), so `socketGone` says at once.
 */
export function resetSocket(socket: Socket): void {
  const tcp = tcpUnder.get(socket);
  if (tcp !== undefined) resetTcp(tcp, shuttingDown(socket));
  // A TLS socket whose TCP socket is unknown: closed without the RST rather than throwing.
  else if ((socket as { encrypted?: boolean }).encrypted === true) socket.destroy();
  else resetTcp(socket, false);
}

/**
 * Resets a plain TCP socket, or destroys it when its FIN is already under way. Node 20's
 * `resetAndDestroy()` on a socket whose `end()` has not finished (a shutdown request in flight) gets
 * EINVAL from libuv's `uv_tcp_close_reset`, yet marks the handle closing: the handle is never closed,
 * 'close' never comes, and at exit Node's handle cleanup spins on it forever at full CPU (a
 * downstream blackhole ended runs that way: the proxy passed a client's FIN on, then reset the
 * connection). Such a socket has sent, or is sending, its FIN; closing it is what remains.
 */
export function resetTcp(tcp: Socket, shutting = false): void {
  if (shutting || shuttingDown(tcp)) tcp.destroy();
  else tcp.resetAndDestroy();
}

/** `end()` was called and has not finished: a shutdown request may be in flight in libuv. */
function shuttingDown(socket: Socket): boolean {
  return socket.writableEnded && !socket.writableFinished;
}

/** `socket` is destroyed, or the TCP socket under it is (resetSocket): nothing more can cross it. */
export function socketGone(socket: Socket): boolean {
  return socket.destroyed || tcpUnder.get(socket)?.destroyed === true;
}

/** Where a proxy forwards to: a listener's address, and for an embedded broker in this process, a way in that skips the kernel. */
export interface Upstream {
  host: string;
  port: number;
  /**
   * An in-process connection to the broker at `host:port` (EmbeddedBroker.connectInProcess), used
   * for plain connections instead of a loopback TCP one; undefined from it: dial TCP.
   */
  connectInProcess?: () => Socket | undefined;
}

/**
 * Opens the proxy's connection to `upstream`: plain TCP (in-process where the upstream offers it), or
 * TLS over TCP with `context` — the broker's (or the next proxy's) certificate verified against the
 * run CA, its name checked against `host`.
 */
export function dialUpstream(upstream: Upstream, context?: SecureContext): Dialled {
  const inProcess = context === undefined ? upstream.connectInProcess?.() : undefined;
  if (inProcess !== undefined) return { socket: inProcess, tcp: inProcess, ready: 'connect' };
  const raw = netConnect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
  if (context === undefined) return { socket: raw, tcp: raw, ready: 'connect' };
  // The TLS socket reports the errors; the TCP one under it must not throw for want of a listener.
  raw.on('error', () => {});
  const socket = tlsConnect({ socket: raw, host: upstream.host, secureContext: context, rejectUnauthorized: true });
  noteTcpUnder(socket, raw);
  return { socket, tcp: raw, ready: 'secureConnect' };
}
