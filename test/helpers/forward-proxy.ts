/**
 * A real forward proxy on 127.0.0.1 for tests: it answers CONNECT by opening a TCP tunnel to the
 * target (which must be on loopback: tests never reach anything else), and counts what passes. It
 * can ask for credentials (407), refuse tunnels with a status, or stand for a dead proxy.
 * Plain (absolute-form) requests are not forwarded: fanout always tunnels, so one arriving is a bug.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ForwardProxyOptions {
  /** Require `Proxy-Authorization: Basic user:password`; a missing or wrong one gets 407. */
  credentials?: { user: string; password: string };
  /** Answer this status to CONNECT instead of tunnelling, for the target `host:port` asked for (undefined tunnels). */
  refuse?: (target: string) => number | undefined;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` (no credentials). */
  readonly url: string;
  readonly port: number;
  /** Tunnels opened (the target answered), by target `host:port`. */
  readonly tunnels: Map<string, number>;
  /** CONNECTs answered otherwise than 200 (407 and refusals). */
  readonly refused: () => number;
  /** Requests that were not CONNECT. */
  readonly plainRequests: () => number;
  /** TCP connections accepted from clients. */
  readonly connections: () => number;
  /** Every Proxy-Authorization header received, decoded (`user:password`), in order. */
  readonly authorizations: string[];
  /** Tunnels opened in all. */
  tunnelCount(): number;
  /** `http://user:password@127.0.0.1:PORT` */
  urlWith(user: string, password: string): string;
  close(): Promise<void>;
}

/** Targets a test proxy may open a tunnel to: this machine only. */
const isLoopback = (host: string) => /^127\.\d+\.\d+\.\d+$/.test(host) || ['localhost', '[::1]', '::1'].includes(host);

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const tunnels = new Map<string, number>();
  const authorizations: string[] = [];
  const sockets = new Set<net.Socket>();
  let refused = 0;
  let plain = 0;
  let connections = 0;
  const server = http.createServer((_req, res) => {
    plain++;
    res.writeHead(501).end('this test proxy only tunnels (CONNECT)');
  });
  server.on('connection', (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const refuse = (status: number, extra = '') => {
      refused++;
      client.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n${extra}content-length: 0\r\n\r\n`);
    };
    const header = req.headers['proxy-authorization'];
    if (header !== undefined) authorizations.push(Buffer.from(header.replace(/^Basic /i, ''), 'base64').toString('utf8'));
    if (options.credentials) {
      const expected = `${options.credentials.user}:${options.credentials.password}`;
      if (header === undefined || Buffer.from(header.replace(/^Basic /i, ''), 'base64').toString('utf8') !== expected) {
        return refuse(407, 'proxy-authenticate: Basic realm="test"\r\n');
      }
    }
    const status = options.refuse?.(target);
    if (status !== undefined) return refuse(status);
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon);
    const port = Number(target.slice(colon + 1));
    if (!isLoopback(host)) return refuse(403); // a test proxy never leaves the machine
    let established = false;
    const upstream = net.connect(port, host.replace(/^\[|\]$/g, ''), () => {
      established = true;
      tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    // As a real proxy does: the target could not be reached is a 502 to CONNECT; later, a cut tunnel.
    upstream.on('error', () => (established ? client.destroy() : refuse(502)));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    refused: () => refused,
    plainRequests: () => plain,
    connections: () => connections,
    authorizations,
    tunnelCount: () => [...tunnels.values()].reduce((a, b) => a + b, 0),
    urlWith: (user, password) => `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL where nothing listens (connections are refused): a dead proxy. */
export async function deadProxyUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
