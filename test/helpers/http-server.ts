/**
 * A real HTTP server on 127.0.0.1, port 0, for tests: no mocks between the client and the socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  /** `http://127.0.0.1:PORT` with no trailing slash. */
  readonly origin: string;
  readonly port: number;
  readonly server: http.Server;
  /** Requests received so far, in arrival order (method and path). */
  readonly requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Listens on `host` (a loopback address; 127.0.0.2 plays a public host behind the test-only seam). */
export async function startServer(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
