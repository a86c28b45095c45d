/**
 * TLS: server certificates are verified by default; --tls-cert adds a trusted CA; --insecure
 * turns verification off with a warning; mutual TLS with --client-cert/--client-key.
 * Keys and certificates are generated at test time with openssl (temp dir, 1 day).
 */
import { readFileSync } from 'node:fs';
import { makeTlsFiles, startTlsServer, type TlsFiles } from '../helpers/chaos-tls';
import { parseLine, stackFrames, useCleanup, within } from '../helpers/chaos-kit';

const REQUEST = { jsonrpc: '2.0', id: 'tls-1', method: 'tools/call', params: { name: 'echo' } };
const OK = { jsonrpc: '2.0', id: 'tls-1', result: { secure: true } };
const COMMON = ['--transport', 'streamable-http', '--retry-base', '0.001', '--retry-max', '0.01', '--timeout', '20'];

let files: TlsFiles;
beforeAll(() => {
  files = makeTlsFiles();
});
afterAll(() => files?.remove());

const h = useCleanup();

async function runOnce(args: string[]) {
  const bridge = h.bridge([...COMMON, ...args]);
  await bridge.send(REQUEST);
  bridge.end();
  const exit = await within(bridge.finished, 30_000, 'bridge exit');
  return { lines: bridge.lines, exit, stderr: bridge.stderr() };
}

describe('TLS', () => {
  test('verified by default: a self-signed server gets one error line naming the certificate problem, and no request', async () => {
    const server = await startTlsServer(files);
    h.defer(() => server.close());
    const { lines, exit, stderr } = await runOnce(['--url', server.url]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toHaveLength(1);
    const msg = parseLine(lines[0]!);
    expect(msg.id).toBe('tls-1');
    expect(msg.error?.code).toBe(-32000);
    expect(msg.error?.message).toMatch(/TLS|certificate/i);
    expect(msg.error?.data?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(server.requests).toEqual([]);
    // A certificate error is final: the handshake is not retried.
    expect(server.tlsErrors).toHaveLength(1);
    expect(stackFrames(stderr)).toEqual([]);
  });

  test('a CA the server certificate does not chain to does not help', async () => {
    const server = await startTlsServer(files);
    h.defer(() => server.close());
    const { lines, exit } = await runOnce(['--url', server.url, '--tls-cert', files.otherCaCert]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toHaveLength(1);
    expect(parseLine(lines[0]!).error?.message).toMatch(/TLS|certificate/i);
    expect(server.requests).toEqual([]);
  });

  test('--tls-cert with the server certificate: verified, answered', async () => {
    const server = await startTlsServer(files);
    h.defer(() => server.close());
    const { lines, exit, stderr } = await runOnce(['--url', server.url, '--tls-cert', files.cert]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.map((l) => JSON.parse(l))).toEqual([OK]);
    expect(server.requests.map((r) => r.json)).toEqual([REQUEST]);
    expect(stderr).not.toMatch(/insecure|verification is OFF/i);
  });

  test('--insecure: answered, with a warning on stderr', async () => {
    const server = await startTlsServer(files);
    h.defer(() => server.close());
    const { lines, exit, stderr } = await runOnce(['--url', server.url, '--insecure']);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.map((l) => JSON.parse(l))).toEqual([OK]);
    expect(stderr).toMatch(/WARN .*TLS certificate verification is OFF/);
  });

  describe('mutual TLS (requestCert, rejectUnauthorized, client CA)', () => {
    const mtls = () => startTlsServer(files, { requestCert: true, rejectUnauthorized: true, ca: [readFileSync(files.caCert)] });

    test('with --client-cert/--client-key: answered, the server saw the client certificate', async () => {
      const server = await mtls();
      h.defer(() => server.close());
      const { lines, exit } = await runOnce(['--url', server.url, '--tls-cert', files.cert, '--client-cert', files.clientCert, '--client-key', files.clientKey]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(lines.map((l) => JSON.parse(l))).toEqual([OK]);
      expect(server.requests.map((r) => r.clientCn)).toEqual(['bridge-client']);
    });

    test('without a client certificate: one error line for the id, nothing reaches the handler', async () => {
      const server = await mtls();
      h.defer(() => server.close());
      const { lines, exit, stderr } = await runOnce(['--url', server.url, '--tls-cert', files.cert]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(lines).toHaveLength(1);
      const msg = parseLine(lines[0]!);
      expect(msg.id).toBe('tls-1');
      expect(msg.error?.code).toBe(-32000);
      expect(server.requests).toEqual([]);
      expect(msg.error?.data?.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
      // The alert is final: no second handshake.
      expect(server.tlsErrors).toHaveLength(1);
      expect(server.tlsErrors[0]).toMatch(/peer did not return a certificate/);
      expect(stackFrames(stderr)).toEqual([]);
    });

    test('--client-cert/--client-key go together (configuration error, exit 2)', async () => {
      const bridge = h.bridge(['--url', 'https://127.0.0.1:1/mcp', '--client-cert', files.clientCert]);
      bridge.end();
      expect(await within(bridge.finished, 15_000, 'bridge exit')).toEqual({ code: 2, signal: null });
      expect(bridge.lines).toEqual([]);
      expect(bridge.stderr()).toMatch(/--client-cert and --client-key go together/);
    });
  });
});
