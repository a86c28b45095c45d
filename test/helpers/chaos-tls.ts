/**
 * Test-time TLS material (openssl) and a recording node:https server, for test/security (not a
 * test file). Nothing is checked in: keys and certificates live in a temp dir for one suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface TlsFiles {
  dir: string;
  /** Self-signed server certificate for CN=localhost, SAN IP:127.0.0.1 and DNS:localhost. */
  cert: string;
  key: string;
  /** A test CA, and a client certificate (CN=bridge-client) it signed. */
  caCert: string;
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing the server knows. */
  otherCaCert: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTlsFiles(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-tls-'));
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', 'key.pem', '-out', 'cert.pem'],
    dir,
  );
  for (const name of ['ca', 'other-ca']) {
    openssl(
      [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=test ${name}`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-keyout', `${name}.key`, '-out', `${name}.pem`,
      ],
      dir,
    );
  }
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=bridge-client', '-keyout', 'client.key', '-out', 'client.csr'], dir);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'client.pem'], dir);
  return {
    dir,
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    caCert: join(dir, 'ca.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    otherCaCert: join(dir, 'other-ca.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsSeen {
  method: string;
  url: string;
  body: string;
  json?: any;
  /** CN of the client certificate, when one was presented and verified. */
  clientCn?: string;
}

export interface TlsServer {
  url: string;
  requests: TlsSeen[];
  /** Handshakes that failed on the server side ('tlsClientError'). */
  tlsErrors: string[];
  close(): Promise<void>;
}

/** A node:https server on 127.0.0.1 answering each JSON-RPC request with `result: { secure: true }`. */
export async function startTlsServer(files: TlsFiles, extra: ServerOptions = {}): Promise<TlsServer> {
  const requests: TlsSeen[] = [];
  const tlsErrors: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ key: readFileSync(files.key), cert: readFileSync(files.cert), ...extra }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seen: TlsSeen = { method: req.method ?? '', url: req.url ?? '', body };
      try {
        seen.json = JSON.parse(body);
      } catch {
        // not JSON
      }
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate?.();
      if (socket.authorized && peer && peer.subject) seen.clientCn = String(peer.subject.CN);
      requests.push(seen);
      if (seen.json && 'id' in seen.json) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: seen.json.id, result: { secure: true } }));
      } else {
        res.writeHead(202).end();
      }
    });
  });
  server.on('tlsClientError', (err: Error) => tlsErrors.push(err.message));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/mcp`,
    requests,
    tlsErrors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
