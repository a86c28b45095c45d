/**
 * Resumability (MCP 2025-06-18, "Resumability and Redelivery"): a POST's SSE stream that drops
 * before the answer is resumed with GET + Last-Event-ID; without event ids there is nothing to
 * resume and the request gets one error.
 */
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, sse, type Handler, type TestServer } from '../helpers/http-server';
import { INITIALIZED, initializeResult, postsSeen, sseEvent } from '../helpers/session-server';

const CALL = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 'p3' } } };
const PROGRESS = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p3', progress: 1, total: 2 } };
const TOOL_RESULT = result(3, { content: [{ type: 'text', text: 'done' }] });
const INIT_ANSWER = JSON.stringify(result(0, initializeResult()));

describe('resumption of a dropped POST SSE stream', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  /** initialize, initialized and the plain GET stream (405) are answered here; the rest by `rest`. */
  const base =
    (rest: Handler): Handler =>
    (req, res, raw) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET' && req.headers['last-event-id'] === undefined) return void res.writeHead(405).end();
      if (req.method === 'POST' && m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (req.method === 'POST' && m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      return rest(req, res, raw);
    };

  test('drop after event e1: GET with Last-Event-ID e1 delivers the result; progress and result each once', async () => {
    srv = await h.server(
      base((req, res) => {
        if (req.method === 'POST' && req.json?.method === 'tools/call') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          // The event is flushed, then the connection dies before the answer.
          sseEvent(res, PROGRESS, { id: 'e1', retry: 100 }, () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        if (req.method === 'GET' && req.headers['last-event-id'] === 'e1') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          sseEvent(res, TOOL_RESULT, { id: 'e2' });
          res.end();
          return;
        }
        res.writeHead(400).end();
      }),
    );
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    cli.send(CALL);
    await cli.waitForLines(3);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([INIT_ANSWER, JSON.stringify(PROGRESS), JSON.stringify(TOOL_RESULT)]);
    const resumes = srv.requests.filter((r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined);
    expect(resumes).toHaveLength(1);
    expect(resumes[0].headers['last-event-id']).toBe('e1');
    expect(resumes[0].headers['mcp-session-id']).toBe('s1');
    expect(resumes[0].headers.accept).toContain('text/event-stream');
    expect(postsSeen(srv.requests).filter(([kind]) => kind === 'tools/call')).toEqual([['tools/call', 's1']]);
  });

  test('clean end before the answer, then a resumed stream that drops too: the cursor moves on (e1, then e2)', async () => {
    const PROGRESS2 = { ...PROGRESS, params: { ...PROGRESS.params, progress: 2 } };
    srv = await h.server(
      base((req, res) => {
        if (req.method === 'POST' && req.json?.method === 'tools/call') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          sseEvent(res, PROGRESS, { id: 'e1', retry: 50 });
          res.end(); // the server closes the stream on purpose (it may, and the client resumes)
          return;
        }
        if (req.method === 'GET' && req.headers['last-event-id'] === 'e1') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          sseEvent(res, PROGRESS2, { id: 'e2' }, () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        if (req.method === 'GET' && req.headers['last-event-id'] === 'e2') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          sseEvent(res, TOOL_RESULT, { id: 'e3' });
          res.end();
          return;
        }
        res.writeHead(400).end();
      }),
    );
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    cli.send(CALL);
    await cli.waitForLines(4);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([INIT_ANSWER, JSON.stringify(PROGRESS), JSON.stringify(PROGRESS2), JSON.stringify(TOOL_RESULT)]);
    expect(srv.requests.filter((r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined).map((r) => r.headers['last-event-id'])).toEqual([
      'e1',
      'e2',
    ]);
  });

  test('drop without event ids: exactly one error line for id 3, no resumption', async () => {
    srv = await h.server(
      base((req, res) => {
        if (req.method === 'POST' && req.json?.method === 'tools/call') {
          sse(res, { 'Mcp-Session-Id': 's1' });
          sseEvent(res, PROGRESS, {}, () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        res.writeHead(400).end();
      }),
    );
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    cli.send(CALL);
    await cli.waitForLines(3);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines.slice(0, 2)).toEqual([INIT_ANSWER, JSON.stringify(PROGRESS)]);
    expect(cli.lines).toHaveLength(3);
    // Node reports a response body cut mid-stream as "aborted" (ECONNRESET).
    expect(JSON.parse(cli.lines[2])).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32000, message: 'Upstream request failed: aborted (ECONNRESET)', data: { code: 'ECONNRESET' } },
    });
    expect(srv.requests.filter((r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined)).toEqual([]);
    expect(postsSeen(srv.requests).filter(([kind]) => kind === 'tools/call')).toEqual([['tools/call', 's1']]);
  });
});
