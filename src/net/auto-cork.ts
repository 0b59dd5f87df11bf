import type { Socket } from 'node:net';

/**
 * Batches a socket's writes until the end of the event loop's I/O phase, so each turn of the loop
 * costs that socket one syscall however many packets it carries. aedes writes each forwarded packet
 * on its own and mqtt-packet uncorks on the next tick, which Node runs after every I/O callback: a
 * subscriber that fans in a whole fleet (the twin, a historian) paid one write per message — one per
 * device socket read. The uncork waits for `setImmediate`, which runs once every ready socket of the
 * turn has been read.
 *
 * Measured (docs/benchmarks.md): 1,000 devices, ward mix, fast mode 11,900–12,400 → 13,900–15,600
 * msg/s; 10,000 realtime monitors, broker CPU 5–8 % lower. aedes calls a write's callback through
 * `setImmediate` too, queued after this uncork, so a connection it closes once a packet is written
 * (a refused CONNACK) still gets that packet.
 */
export function autoCork(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
