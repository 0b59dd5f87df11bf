import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay to a real server (Redis) that can hold what its clients send, as a slow network or a
 * busy server would: it makes "the write was still on its way when..." happen on demand instead of by
 * luck. Replies are never held.
 */
export interface HoldingRelay {
  readonly port: number;
  /** Bytes held now. */
  readonly held: number;
  /** From now on, keep what clients send instead of passing it on. */
  hold(): void;
  /** Passes on everything held (also for clients gone since: the server still gets it) and stops holding. */
  release(): void;
  /** Resolves when a client connection closes. */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  upstream: Socket;
  queue: Buffer[];
  clientGone: boolean;
}

export async function holdingRelay(target: { host: string; port: number }): Promise<HoldingRelay> {
  const links = new Set<Link>();
  const sockets = new Set<Socket>();
  let holding = false;
  let held = 0;
  let closedWaiters: (() => void)[] = [];

  const server = createServer((client) => {
    const upstream = connect(target);
    const link: Link = { upstream, queue: [], clientGone: false };
    links.add(link);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      if (holding) {
        link.queue.push(chunk);
        held += chunk.length;
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => {
      link.clientGone = true;
      if (link.queue.length === 0) upstream.end();
      for (const wake of closedWaiters.splice(0)) wake();
    });
    upstream.on('close', () => {
      client.destroy();
      links.delete(link);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    port,
    get held() {
      return held;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      held = 0;
      for (const link of links) {
        for (const chunk of link.queue.splice(0)) link.upstream.write(chunk);
        if (link.clientGone) link.upstream.end();
      }
    },
    clientClosed() {
      return new Promise((resolve) => closedWaiters.push(resolve));
    },
    async close() {
      closedWaiters = [];
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
