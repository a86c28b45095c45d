/**
 * Redirects and credentials: a 307/308 to another origin (another loopback port, or another host
 * name for the same port) must not carry Authorization nor any --header value; a same-origin
 * redirect keeps them. The redirected POST keeps its method and body either way.
 */
import { startServer, type TestServer } from '../helpers/http-server';
import { useCleanup, within } from '../helpers/chaos-kit';

const AUTH = 'Bearer redirect-token-SECRET-1';
const HEADER = 'redirect-header-SECRET-2';
const REQUEST = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo' } };
const ARGS = ['--auth', AUTH, '-H', `X-Api-Key: ${HEADER}`, '--transport', 'streamable-http', '--timeout', '20'];

const h = useCleanup();

/** A server answering POSTs on `answerPath` and redirecting `redirectPath` to `location()`. */
async function server(opts: { redirect?: { status: number; location: () => string } } = {}): Promise<TestServer> {
  const s = await startServer(
    (r, res) => {
      if (opts.redirect && r.url === '/mcp') {
        res.writeHead(opts.redirect.status, { Location: opts.redirect.location(), 'Content-Length': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: r.json?.id ?? null, result: { servedBy: r.url } }));
    },
  );
  h.defer(() => s.close());
  return s;
}

async function runOnce(url: string) {
  const bridge = h.bridge(['--url', url, ...ARGS]);
  await bridge.send(REQUEST);
  bridge.end();
  const exit = await within(bridge.finished, 30_000, 'bridge exit');
  return { lines: bridge.lines.map((l) => JSON.parse(l)), exit };
}

const credentials = (s: TestServer) => s.requests.map((r) => ({ method: r.method, url: r.url, authorization: r.headers.authorization, key: r.headers['x-api-key'], body: r.json }));

describe('redirects', () => {
  test.each([307, 308])('%i to another port: the target gets the POST without Authorization nor --header values', async (status) => {
    const target = await server();
    const origin = await server({ redirect: { status, location: () => `http://127.0.0.1:${target.port}/elsewhere` } });
    const { lines, exit } = await runOnce(origin.url);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toEqual([{ jsonrpc: '2.0', id: 7, result: { servedBy: '/elsewhere' } }]);
    expect(credentials(origin)).toEqual([{ method: 'POST', url: '/mcp', authorization: AUTH, key: HEADER, body: REQUEST }]);
    expect(credentials(target)).toEqual([{ method: 'POST', url: '/elsewhere', authorization: undefined, key: undefined, body: REQUEST }]);
  });

  test('307 to another host name for the same port (127.0.0.1 -> localhost) is another origin too', async () => {
    let port = 0;
    const s = await server({ redirect: { status: 307, location: () => `http://localhost:${port}/other` } });
    port = s.port;
    const { lines, exit } = await runOnce(s.url);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toEqual([{ jsonrpc: '2.0', id: 7, result: { servedBy: '/other' } }]);
    expect(credentials(s)).toEqual([
      { method: 'POST', url: '/mcp', authorization: AUTH, key: HEADER, body: REQUEST },
      { method: 'POST', url: '/other', authorization: undefined, key: undefined, body: REQUEST },
    ]);
  });

  test.each([
    ['relative', () => '/moved'],
    ['absolute, same origin', () => ''],
  ])('307 within the same origin (%s Location) keeps Authorization and --header values', async (_name, location) => {
    let base = '';
    const s = await server({ redirect: { status: 307, location: () => location() || `${base}/moved` } });
    base = `http://127.0.0.1:${s.port}`;
    const { lines, exit } = await runOnce(s.url);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toEqual([{ jsonrpc: '2.0', id: 7, result: { servedBy: '/moved' } }]);
    expect(credentials(s)).toEqual([
      { method: 'POST', url: '/mcp', authorization: AUTH, key: HEADER, body: REQUEST },
      { method: 'POST', url: '/moved', authorization: AUTH, key: HEADER, body: REQUEST },
    ]);
  });
});
