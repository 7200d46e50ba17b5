import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Express } from "express";

/** Starts `app` on 127.0.0.1 only (`port` 0 picks a free port); resolves with the server and its URL. */
export async function listenLoopback(app: Express, port: number): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(port, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  server.keepAliveTimeout = 1_000;
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Stops accepting connections, closes idle keep-alive ones, and resolves when the server has closed. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
