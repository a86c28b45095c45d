/**
 * `Mcp-Session-Id` after a redirect to another origin (#18 item 3): dropped, as Authorization and
 * the user's headers are; MCP-Protocol-Version (no secret) stays. Within the same origin the
 * session id is kept.
 */
import { HttpTransport } from '../../src/http/http-transport';
import { Logger } from '../../src/log/logger';
import { startServer, type TestServer } from '../helpers/http-server';
import { useCleanup, within } from '../helpers/chaos-kit';

const SESSION = 'sess-SECRET-42';
const h = useCleanup();

async function server(redirectTo?: () => string): Promise<TestServer> {
  const s = await startServer((r, res) => {
    if (redirectTo && r.url === '/mcp' && r.json?.method !== 'initialize') {
      res.writeHead(307, { Location: redirectTo(), 'Content-Length': '0' }).end();
      return;
    }
    if (r.method !== 'POST') return void res.writeHead(r.method === 'GET' ? 405 : 200).end();
    if (r.json?.id === undefined) return void res.writeHead(202).end();
    const result =
      r.json.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } : { servedBy: r.url };
    const body = JSON.stringify({ jsonrpc: '2.0', id: r.json.id, result });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': SESSION, 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  h.defer(() => s.close());
  return s;
}

const transport = () =>
  new HttpTransport(
    { maxSockets: 2, idleTimeoutMs: 5_000, connectTimeoutMs: 5_000, insecure: false, http2: false, userAgent: 't', sensitiveHeaders: ['x-api-key'] },
    Logger.silent(),
  );

async function post(url: string) {
  const res = await transport().send({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json', 'Mcp-Session-Id': SESSION, 'MCP-Protocol-Version': '2025-06-18', 'X-Api-Key': 'k-SECRET' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }),
    signal: AbortSignal.timeout(10_000),
  });
  res.body.discard();
  return res.status;
}

const seen = (s: TestServer) => s.requests.map((r) => ({ url: r.url, session: r.headers['mcp-session-id'], protocol: r.headers['mcp-protocol-version'], key: r.headers['x-api-key'] }));

describe('a redirect and the session id', () => {
  test('307 to another origin: the target gets no Mcp-Session-Id (nor the user header), but MCP-Protocol-Version', async () => {
    const target = await server();
    const origin = await server(() => `http://127.0.0.1:${new URL(target.url).port}/elsewhere`);
    expect(await post(origin.url)).toBe(200);
    expect(seen(target)).toEqual([{ url: '/elsewhere', session: undefined, protocol: '2025-06-18', key: undefined }]);
  });

  test('307 within the same origin keeps the session id', async () => {
    let base = '';
    const s = await server(() => `${base}/moved`);
    base = `http://127.0.0.1:${new URL(s.url).port}`;
    expect(await post(s.url)).toBe(200);
    expect(seen(s)[1]).toEqual({ url: '/moved', session: SESSION, protocol: '2025-06-18', key: 'k-SECRET' });
  });

  test('through the CLI: the session from initialize does not follow a tools/call to another origin', async () => {
    const target = await server();
    const origin = await server(() => `http://127.0.0.1:${new URL(target.url).port}/elsewhere`);
    const bridge = h.bridge(['--url', origin.url, '--transport', 'streamable-http', '--timeout', '20']);
    await bridge.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    await bridge.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } });
    bridge.end();
    expect(await within(bridge.finished, 30_000, 'bridge exit')).toEqual({ code: 0, signal: null });
    expect(bridge.lines.map((l) => JSON.parse(l).id)).toEqual([0, 1]);
    // Sanity: the origin did hand out a session and it was sent there.
    expect(origin.requests.some((r) => r.headers['mcp-session-id'] === SESSION)).toBe(true);
    // The tools/call POST and the DELETE at exit, both redirected.
    expect(target.requests.map((r) => [r.method, r.headers['mcp-session-id']])).toEqual([
      ['POST', undefined],
      ['DELETE', undefined],
    ]);
  });
});
