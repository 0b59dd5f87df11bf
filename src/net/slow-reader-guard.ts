import type { Socket } from 'node:net';

export interface SlowReaderLimits {
  /** A client whose socket stays full this long is dropped, ms (the broker's drainTimeoutMs). */
  drainTimeoutMs: number;
  /** A client this far behind is dropped at once, bytes. */
  maxBufferedBytes: number;
}

/**
 * Keeps one subscriber that stops reading from slowing everyone else down.
 *
 * aedes waits for a full socket to drain before it counts a message as delivered, and it routes at
 * most `deliveryConcurrency` messages at once; so a subscriber that stops reading (a hung central
 * station) holds every routing slot within a hundred messages, and every other client's deliveries
 * wait behind it until aedes' drain timeout drops it — the whole site stalls for the timeout
 * (frozen-subscriber.test.ts measures it: the healthy twin's latency becomes the drain timeout).
 *
 * This tells aedes every write went through, and keeps the bytes in the socket's own buffer instead:
 * the frozen subscriber falls behind alone. It is dropped when its socket has stayed full for
 * `drainTimeoutMs` (aedes' own rule, kept) or when it is `maxBufferedBytes` behind, whichever first,
 * so its buffer stays bounded. `onDropped` says why.
 */
export function guardSlowReader(
  socket: Socket,
  limits: SlowReaderLimits,
  onDropped: (reason: 'drain-timeout' | 'too-far-behind') => void,
): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let timer: NodeJS.Timeout | undefined;
  let dropped = false;
  const drop = (reason: 'drain-timeout' | 'too-far-behind') => {
    if (dropped) return;
    dropped = true;
    clearTimeout(timer);
    onDropped(reason);
    socket.destroy();
  };
  socket.on('drain', () => {
    clearTimeout(timer);
    timer = undefined;
  });
  socket.on('close', () => clearTimeout(timer));
  socket.write = ((...args: unknown[]) => {
    if (dropped) return true;
    if (write(...args)) return true;
    if (socket.writableLength > limits.maxBufferedBytes) drop('too-far-behind');
    else timer ??= setTimeout(() => drop('drain-timeout'), limits.drainTimeoutMs).unref();
    return true;
  }) as Socket['write'];
}
