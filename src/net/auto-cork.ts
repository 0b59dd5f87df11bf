import type { Socket } from 'node:net';

/**
 * Batches a socket's writes until the end of the event loop's I/O phase, so each turn of the loop
 * costs that socket one syscall however many packets it carries. aedes writes each forwarded packet
 * on its own and mqtt-packet uncorks on the next tick, which Node runs after every I/O callback: a
 * subscriber that fans in a whole fleet (the twin, a historian) paid one write per message — one per
 * device socket read. The uncork waits for `setImmediate`, which runs once every ready socket of the
 * turn has been read.
 *
 * A burst larger than half the socket's high-water mark goes out early: a corked socket fills past
 * the mark, its writes return false, and aedes then holds those deliveries until it drains.
 *
 * Measured in docs/benchmarks.md#what-limits-it, point 9. aedes calls a write's callback through
 * `setImmediate` too, queued after this uncork, so a connection it closes once a packet is written
 * (a refused CONNACK) still gets that packet.
 */
export function autoCork(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  // Half the high-water mark: a write that would take the buffer past the mark returns false, and
  // aedes then holds that delivery (and one of its 100 delivery slots) until the socket drains.
  const flushAt = socket.writableHighWaterMark / 2;
  let corked = false;
  let scheduled = false;
  const uncork = () => {
    scheduled = false;
    if (!corked) return;
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (corked && socket.writableLength >= flushAt) uncork();
    if (!corked) {
      corked = true;
      socket.cork();
      if (!scheduled) {
        scheduled = true;
        setImmediate(uncork);
      }
    }
    return write(...args);
  }) as Socket['write'];
}
