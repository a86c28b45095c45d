/**
 * Upstream failures become exactly one JSON-RPC error line carrying the request's id, with the
 * code the bridge documents (-32000 upstream, -32001 timeout, the server's own JSON-RPC error).
 */
import { closedPort, exitOf, parseLine, posts, reply, socketClosed, useHarness, waitFor } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const req = (id: number | string, method = 'tools/call') => ({ jsonrpc: '2.0', id, method, params: {} });

describe('error mapping', () => {
  test('500 with a plain body: id 7, -32000, message names the status, data carries status and body', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 500, 'text/plain', 'database exploded\n'));
    const run = h.cli(['--url', server.url]);
    run.send(req(7));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(1);
    expect(parseLine(run.lines[0]!)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32000, message: 'HTTP 500 Internal Server Error: database exploded', data: { status: 500, body: 'database exploded' } },
    });
    expect(posts(server)).toHaveLength(1);
  });

  test('401: -32000 with status 401, and stderr points at the credentials', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 401, 'application/json', '{"detail":"invalid token"}'));
    const run = h.cli(['--url', server.url]);
    run.send(req('auth-1'));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([
      {
        jsonrpc: '2.0',
        id: 'auth-1',
        error: { code: -32000, message: 'HTTP 401 Unauthorized: {"detail":"invalid token"}', data: { status: 401, body: '{"detail":"invalid token"}' } },
      },
    ]);
    expect(run.stderr()).toContain('--auth');
    expect(posts(server)).toHaveLength(1);
  });

  test('an HTML 502 page: -32000, message reduced to the page text, raw page in data.body', async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body { color: red }</style></head>\n<body><h1>Bad   Gateway</h1><p>nginx</p></body></html>';
    const server = await h.mcpServer((_r, res) => reply(res, 502, 'text/html', page));
    const run = h.cli(['--url', server.url, '--retries', '1']);
    run.send(req(12));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([
      {
        jsonrpc: '2.0',
        id: 12,
        error: {
          code: -32000,
          message: 'HTTP 502 Bad Gateway: 502 Bad Gateway Bad Gateway nginx (not sent again: a gateway answers so also after the server ran the request, so the tool may have run)',
          data: { status: 502, body: page, mayHaveRun: true },
        },
      },
    ]);
    expect(posts(server)).toHaveLength(1);
  });

  test('connection refused: -32000 with the id and ECONNREFUSED', async () => {
    const port = await closedPort();
    const run = h.cli(['--url', `http://127.0.0.1:${port}/mcp`, '--retries', '1']);
    run.send(req(13));
    const [line] = await run.waitForLines(1, 10000);
    const msg = parseLine(line!);
    expect(msg.id).toBe(13);
    expect(msg.error!.code).toBe(-32000);
    expect(msg.error!.data).toEqual({ code: 'ECONNREFUSED' });
    expect(msg.error!.message).toMatch(/^Upstream request failed: .*ECONNREFUSED/);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(1);
  });

  test('a non-2xx body that is a JSON-RPC error is relayed with the request id and the server code', async () => {
    const server = await h.mcpServer((_r, res) =>
      reply(res, 400, 'application/json', '{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"bad","data":{"field":"x"}}}'),
    );
    const run = h.cli(['--url', server.url]);
    run.send(req(14));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([{ jsonrpc: '2.0', id: 14, error: { code: -32602, message: 'bad', data: { field: 'x' } } }]);
  });

  test('invalid JSON from the server (application/json and inside SSE): one error line per id', async () => {
    const server = await h.mcpServer((r, res) => {
      if (r.json.id === 15) return reply(res, 200, 'application/json', '{"jsonrpc":"2.0","id":15,"result":');
      return reply(res, 200, 'text/event-stream', 'data: {"jsonrpc":"2.0","id":16,result:{}}\n\n');
    });
    const run = h.cli(['--url', server.url]);
    run.send(req(15));
    await run.waitForLines(1);
    run.send(req(16));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines.map(parseLine);
    expect(msgs.map((m) => [m.id, m.error?.code])).toEqual([
      [15, -32000],
      [16, -32000],
    ]);
    expect(msgs[0]!.error!.message).toMatch(/^Invalid response: the server sent invalid JSON/);
    expect(msgs[0]!.error!.data).toEqual({ body: '{"jsonrpc":"2.0","id":15,"result":' });
    expect(msgs[1]!.error!.message).toMatch(/^Invalid response: the server sent invalid JSON/);
    expect(msgs[1]!.error!.data).toEqual({ body: '{"jsonrpc":"2.0","id":16,result:{}}' });
  });

  test('a notification that fails prints nothing; the request after it is answered', async () => {
    const server = await h.mcpServer((r, res) => {
      if (r.json.method === 'notifications/initialized') return reply(res, 500, 'text/plain', 'nope');
      return reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, {})));
    });
    const run = h.cli(['--url', server.url]);
    run.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    run.send(req(17));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(17, {}))]);
    expect(posts(server)).toHaveLength(2);
  });

  test('--timeout 1 with a server that never answers: -32001 with the id, and the server sees its socket close', async () => {
    let closed = false;
    const server = await h.mcpServer((_r, _res, raw) => {
      void socketClosed(raw).then(() => (closed = true));
    });
    const run = h.cli(['--url', server.url, '--timeout', '1']);
    run.send(req('slow-1'));
    const [line] = await run.waitForLines(1, 15000);
    expect(parseLine(line!)).toEqual({
      jsonrpc: '2.0',
      id: 'slow-1',
      error: { code: -32001, message: 'Request timed out: no response within 1 s (--timeout)', data: { timeoutMs: 1000 } },
    });
    await waitFor(() => closed, 'the server to see the request socket close');
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(1);
    expect(posts(server)).toHaveLength(1);
  });
});
