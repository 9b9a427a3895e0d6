// A loopback TCP proxy that a test can cut and restore, to take a dependency
// (MongoDB, Temporal) away from a running process and give it back, without
// touching the shared local stack.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Refuses new connections and drops the open ones. */
  cut(): Promise<void>;
  /** Forwards to the target again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** `startOpen: false` gives a port nothing listens on until `restore()`. */
export async function startTcpProxy(target: { host: string; port: number }, options: { startOpen?: boolean } = {}): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const open = async (port: number) => {
    server = createServer((client) => {
      const upstream = createConnection(target);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    return listen(server, port);
  };
  const cut = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  // Reserve a free port, then free it again when the proxy starts closed.
  const port = await open(0);
  if (options.startOpen === false) await cut();
  return {
    port,
    cut,
    restore: async () => {
      if (!server) await open(port);
    },
    close: cut,
  };
}
