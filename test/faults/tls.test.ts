/**
 * TLS failures on a real HTTPS server on 127.0.0.1: a self-signed certificate (test/fixtures, made
 * with openssl for this test only, valid for 100 years) is refused as `tls`, never retried into a
 * different answer, and a plain-HTTP client talking to the TLS port fails cleanly.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { closeAgents } from '../../http/agent';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', name));

describe('TLS faults', () => {
  let server: https.Server;
  let port: number;
  let requests = 0;
  beforeAll(async () => {
    server = https.createServer({ key: fixture('tls-selfsigned.key'), cert: fixture('tls-selfsigned.crt') }, (_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>secret</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await closeAgents();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a self-signed certificate is a tls record, with no request served', async () => {
    const { outcomes } = await scrapeChunk([`https://127.0.0.1:${port}/`], { allowPrivate: true, retries: 2, timeoutMs: 5_000 });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: 'tls', message: expect.stringMatching(/certificate/i) } });
    expect(outcomes[0]?.attempts).toBe(1);
    expect(requests).toBe(0);
  });

  test('plain HTTP to a TLS port is a clean failure record, not a crash', async () => {
    const { outcomes } = await scrapeChunk([`http://127.0.0.1:${port}/`], { allowPrivate: true, retries: 0, timeoutMs: 2_000 });
    expect(outcomes).toHaveLength(1);
    // The TLS server hangs up on a plain request before any response: closed before an answer.
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: 'connect' }, attempts: 1 });
  });
});
