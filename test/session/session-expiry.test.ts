/**
 * Session expiry (MCP 2025-06-18, "Session Management"): a 404 to a request that carried the
 * session id means the session is gone; the bridge starts a new one by replaying the host's
 * initialize (without the old id) and notifications/initialized, then retries the request once.
 */
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, type TestServer } from '../helpers/http-server';
import { INITIALIZED, initializeResult, postsSeen, waitFor } from '../helpers/session-server';

const CALL = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } };
const SESSION_GONE = { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } };
const TOOL_RESULT = result(5, { content: [{ type: 'text', text: 'Echo: hi' }] });

describe('session expiry: 404 on a session request', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  /** A server that hands out s1, s2, ... and answers tools/call per `call`. */
  async function server(call: (sessionId: string | undefined) => 'ok' | '404') {
    let sessions = 0;
    return h.server((req, res) => {
      const sid = req.headers['mcp-session-id'] as string | undefined;
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      const m = req.json;
      if (m.method === 'initialize') {
        sessions++;
        return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': `s${sessions}` });
      }
      if (m.method === 'notifications/initialized') return void res.writeHead(202).end();
      if (m.method === 'tools/call') return call(sid) === 'ok' ? json(res, TOOL_RESULT) : json(res, SESSION_GONE, 404);
      json(res, { jsonrpc: '2.0', id: m.id ?? null, error: { code: -32601, message: 'unexpected' } }, 400);
    });
  }

  test('replays initialize without the session id, re-sends initialized, retries once: one answer for id 5', async () => {
    srv = await server((sid) => (sid === 's1' ? '404' : 'ok'));
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await waitFor(() => postsSeen(srv!.requests).some(([kind]) => kind === 'notifications/initialized'), 'notifications/initialized');
    cli.send(CALL);
    await cli.waitForLines(2);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([JSON.stringify(result(0, initializeResult())), JSON.stringify(TOOL_RESULT)]);
    expect(postsSeen(srv.requests)).toEqual([
      ['initialize', undefined],
      ['notifications/initialized', 's1'],
      ['tools/call', 's1'],
      ['initialize', undefined],
      ['notifications/initialized', 's2'],
      ['tools/call', 's2'],
    ]);
    const posts = srv.requests.filter((r) => r.method === 'POST');
    // The replayed messages are the host's own, byte for byte equal in content.
    expect(posts[3].json).toEqual(INITIALIZE);
    expect(posts[3].headers['mcp-protocol-version']).toBeUndefined();
    expect(posts[4].json).toEqual(INITIALIZED);
    expect(posts[5].json).toEqual(CALL);
    expect(posts[5].headers['mcp-protocol-version']).toBe('2025-06-18');
    // At exit the new session is the one deleted.
    expect(srv.requests.filter((r) => r.method === 'DELETE').map((r) => r.headers['mcp-session-id'])).toEqual(['s2']);
  });

  test('a second 404 after the recovery: exactly one error line for id 5, no further replay', async () => {
    srv = await server(() => '404');
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await waitFor(() => postsSeen(srv!.requests).some(([kind]) => kind === 'notifications/initialized'), 'notifications/initialized');
    cli.send(CALL);
    await cli.waitForLines(2);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([
      JSON.stringify(result(0, initializeResult())),
      JSON.stringify({ jsonrpc: '2.0', id: 5, error: SESSION_GONE.error }),
    ]);
    expect(postsSeen(srv.requests)).toEqual([
      ['initialize', undefined],
      ['notifications/initialized', 's1'],
      ['tools/call', 's1'],
      ['initialize', undefined],
      ['notifications/initialized', 's2'],
      ['tools/call', 's2'],
    ]);
  });

  test('two requests 404 at once: one shared replay of initialize, both retried with the new session', async () => {
    let sessions = 0;
    const held: Array<() => void> = [];
    srv = await h.server((req, res) => {
      const sid = req.headers['mcp-session-id'] as string | undefined;
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      const m = req.json;
      if (m.method === 'initialize') {
        sessions++;
        return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': `s${sessions}` });
      }
      if (m.method === 'notifications/initialized') return void res.writeHead(202).end();
      if (sid === 's1') {
        // Both calls are answered 404 together, once both have arrived.
        held.push(() => json(res, SESSION_GONE, 404));
        if (held.length === 2) for (const answer of held.splice(0)) answer();
        return;
      }
      json(res, result(m.id, { content: [{ type: 'text', text: `ok ${m.id}` }] }));
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await waitFor(() => postsSeen(srv!.requests).some(([kind]) => kind === 'notifications/initialized'), 'notifications/initialized');
    cli.send({ ...CALL, id: 5 });
    cli.send({ ...CALL, id: 6 });
    await cli.waitForLines(3);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines[0]).toBe(JSON.stringify(result(0, initializeResult())));
    expect(cli.lines.slice(1).sort()).toEqual(
      [5, 6].map((id) => JSON.stringify(result(id, { content: [{ type: 'text', text: `ok ${id}` }] }))).sort(),
    );
    const seen = postsSeen(srv.requests);
    expect(seen.filter(([kind]) => kind === 'initialize')).toEqual([
      ['initialize', undefined],
      ['initialize', undefined],
    ]);
    expect(seen.filter(([kind]) => kind === 'notifications/initialized')).toEqual([
      ['notifications/initialized', 's1'],
      ['notifications/initialized', 's2'],
    ]);
    const calls = srv.requests.filter((r) => r.json?.method === 'tools/call').map((r) => [r.json.id, r.headers['mcp-session-id']]);
    expect(calls.slice(0, 2).sort()).toEqual([
      [5, 's1'],
      [6, 's1'],
    ]);
    expect(calls.slice(2).sort()).toEqual([
      [5, 's2'],
      [6, 's2'],
    ]);
  });
});
