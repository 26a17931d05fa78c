/**
 * A TCP proxy that adds a fixed delay in each direction: "far away" on one machine (the apply benchmark,
 * and tests of what the engine says when it runs far from its database).
 * Chunks keep their order (every chunk waits the same time, and timers of equal delay fire in order).
 */
import { createServer, type Socket, connect } from "node:net";

export interface DelayProxy {
  readonly port: number;
  /** `url` (of the proxied target) with the proxy's port: the same thing, reached through the proxy. */
  via(url: string): string;
  close(): Promise<void>;
}

export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const pipeDelayed = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => setTimeout(() => to.write(chunk), delayMs));
    from.on("end", () => setTimeout(() => to.end(), delayMs));
    from.on("error", () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    via(url) {
      const through = new URL(url);
      through.port = String(port);
      return through.toString();
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
