import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Resets every open connection and stops listening: new connections are refused until `accept`. */
  refuse(): Promise<void>;
  /** Listens again on the same port and forwards new connections. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `127.0.0.1:targetPort` that a test can switch off and on. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  async function listen(): Promise<void> {
    const s = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve));
    const address = s.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    port = address.port;
    server = s;
  }
  async function refuse(): Promise<void> {
    const s = server;
    server = undefined;
    const closed = s ? new Promise((resolve) => s.close(resolve)) : undefined;
    for (const socket of open) socket.resetAndDestroy();
    await closed;
  }

  await listen();
  return {
    port,
    refuse,
    accept: listen,
    close: refuse,
  };
}
