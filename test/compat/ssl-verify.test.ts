/**
 * Reference: test_main_async_ssl_verify_importerror_fallback (certificates are verified unless
 * SKIP_SSL_VERIFY), and the Rust wrapper's --tls-cert / --insecure.
 * A self-signed certificate for 127.0.0.1 is generated with openssl for this suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli-process';
import { ok, ping } from './support';

let dir: string;
let certFile: string;
let server: Server;
let url: string;
let posts = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'compat-tls-'));
  certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      posts++;
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number }).id;
      const body = JSON.stringify(ok(id, { tls: true }));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function once(args: string[], env: Record<string, string> = {}) {
  const run = runCli(['--url', url, ...args], env);
  run.send(ping(1));
  run.end();
  const { code } = await run.exited;
  return { code, lines: run.lines, stderr: run.stderr() };
}

describe('ssl verify', () => {
  test('ssl_verify: certificates are verified by default: a self-signed server gives one error line naming TLS and the certificate', async () => {
    const before = posts;
    const out = await once([]);
    expect(out.code).toBe(0);
    expect(posts).toBe(before);
    expect(out.lines).toHaveLength(1);
    const answer = JSON.parse(out.lines[0]!) as { id: number; error: { code: number; message: string; data: unknown } };
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32000,
        message: 'Upstream request failed: TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); pass --tls-cert <ca.pem> for a private CA',
        data: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      },
    });
  });

  test('ssl_verify: --tls-cert <the certificate> makes it work', async () => {
    const out = await once(['--tls-cert', certFile]);
    expect(out.lines).toEqual([JSON.stringify(ok(1, { tls: true }))]);
    expect(out.code).toBe(0);
  });

  test('ssl_verify: TLS_CERT (Rust wrapper) makes it work too', async () => {
    const out = await once([], { TLS_CERT: certFile });
    expect(out.lines).toEqual([JSON.stringify(ok(1, { tls: true }))]);
  });

  test('ssl_verify: --insecure makes it work and warns on stderr', async () => {
    const out = await once(['--insecure']);
    expect(out.lines).toEqual([JSON.stringify(ok(1, { tls: true }))]);
    expect(out.stderr).toMatch(/ WARN TLS certificate verification is OFF \(--insecure\): use only against servers you trust\n/);
    expect(out.code).toBe(0);
  });

  test('ssl_verify: SKIP_SSL_VERIFY=true (Python wrapper) disables verification, with the warning', async () => {
    const out = await once([], { SKIP_SSL_VERIFY: 'true' });
    expect(out.lines).toEqual([JSON.stringify(ok(1, { tls: true }))]);
    expect(out.stderr).toMatch(/ WARN TLS certificate verification is OFF/);
  });

  test('ssl_verify: SKIP_SSL_VERIFY=false keeps verification on', async () => {
    const out = await once([], { SKIP_SSL_VERIFY: 'false' });
    expect((JSON.parse(out.lines[0]!) as { error: { data: unknown } }).error.data).toEqual({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(out.stderr).not.toMatch(/verification is OFF/);
  });
});
