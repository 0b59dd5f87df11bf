import type { Socket } from 'node:net';

/**
 * One cork per turn of the tick queue for a client's socket, not one per packet. mqtt-packet corks
 * the stream for every packet it writes and queues a `nextTick` to uncork it: a device publishing a
 * fast-mode window's two dozen messages queued two dozen ticks, and its socket flushed at the last of
 * them. Here the socket hides `cork` from mqtt-packet (which then writes straight to it: it corks only
 * a stream that has the method) and corks itself at the first write of a turn, with one `nextTick` to
 * uncork: the same bytes, in one `writev`, flushed in the same tick drain — no later than before.
 *
 * Nothing in Node's net or stream code calls `cork()` on a socket; TLS sockets are left as they are.
 * Measured in docs/benchmarks.md#what-limits-it, point 16.
 */
export function corkPerTick(socket: Socket): void {
  // Already done (a second CONNACK on the same socket): its `cork` is hidden.
  if (typeof socket.cork !== 'function') return;
  const cork = socket.cork.bind(socket);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  Object.defineProperty(socket, 'cork', { value: undefined, configurable: true, writable: true });
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
