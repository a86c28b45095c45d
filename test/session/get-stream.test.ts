/**
 * The GET stream for server-initiated messages (MCP 2025-06-18, "Listening for Messages from the
 * Server"): opened once notifications/initialized is accepted; its requests reach the host, the
 * host's answers are POSTed back; a dropped stream is reopened with Last-Event-ID; 405 means the
 * server offers none.
 */
import type { ServerResponse } from 'node:http';
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, sse, type TestServer } from '../helpers/http-server';
import { INITIALIZED, initializeResult, postsSeen, sleep, sseEvent, waitFor } from '../helpers/session-server';

const SAMPLING = {
  jsonrpc: '2.0',
  id: 's-1',
  method: 'sampling/createMessage',
  params: { messages: [{ role: 'user', content: { type: 'text', text: 'héllo 🌍' } }], maxTokens: 10 },
};
const HOST_ANSWER = { jsonrpc: '2.0', id: 's-1', result: { model: 'm', role: 'assistant', content: { type: 'text', text: 'hi' } } };
const INIT_ANSWER = JSON.stringify(result(0, initializeResult()));

describe('GET stream for server-initiated messages', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  test('opened after initialized (202); sampling request reaches stdout; host answer POSTed back; drop at e5 resumes with Last-Event-ID e5', async () => {
    const gets: ServerResponse[] = [];
    const order: string[] = [];
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') {
        order.push(`GET ${req.headers['last-event-id'] ?? '-'}`);
        gets.push(res);
        sse(res, { 'Mcp-Session-Id': 's1' });
        if (gets.length === 1) sseEvent(res, SAMPLING, { id: 'e5', retry: 100 });
        return; // kept open
      }
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'notifications/initialized') {
        order.push('initialized');
        return void res.writeHead(202).end();
      }
      if (m && m.method === undefined && m.id === 's-1') {
        order.push('host answer');
        res.writeHead(202).end();
        // Now the first GET stream dies: it must be reopened after e5.
        gets[0].socket?.destroy();
        return;
      }
      res.writeHead(400).end();
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await cli.waitForLines(2);
    expect(cli.lines).toEqual([INIT_ANSWER, JSON.stringify(SAMPLING)]);
    cli.send(HOST_ANSWER);
    await waitFor(() => order.includes('GET e5'), 'the GET stream reopened with Last-Event-ID');
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([INIT_ANSWER, JSON.stringify(SAMPLING)]);
    expect(order).toEqual(['initialized', 'GET -', 'host answer', 'GET e5']);
    const [first, second] = srv.requests.filter((r) => r.method === 'GET');
    expect(first.headers.accept).toContain('text/event-stream');
    expect(first.headers['mcp-session-id']).toBe('s1');
    expect(first.headers['last-event-id']).toBeUndefined();
    expect(second.headers.accept).toContain('text/event-stream');
    expect(second.headers['mcp-session-id']).toBe('s1');
    expect(second.headers['last-event-id']).toBe('e5');
    expect(srv.requests.filter((r) => r.method === 'GET')).toHaveLength(2);

    const answerPost = srv.requests.find((r) => r.method === 'POST' && r.json?.id === 's-1')!;
    expect(answerPost.json).toEqual(HOST_ANSWER);
    expect(answerPost.headers['mcp-session-id']).toBe('s1');
    expect(answerPost.headers['content-type']).toMatch(/^application\/json/);
    expect(postsSeen(srv.requests)).toEqual([
      ['initialize', undefined],
      ['notifications/initialized', 's1'],
      ['response', 's1'],
    ]);
  });

  test('no GET before notifications/initialized is accepted', async () => {
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'ping') return json(res, result(m.id, {}));
      res.writeHead(400).end();
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await cli.waitForLines(2);
    cli.end();
    expect((await cli.exited).code).toBe(0);
    expect(srv.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });

  test('405 on GET: exactly one GET, no retry loop', async () => {
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') return void res.writeHead(405, { Allow: 'POST, DELETE' }).end();
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      if (m?.method === 'ping') return json(res, result(m.id, {}));
      res.writeHead(400).end();
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await waitFor(() => srv!.requests.some((r) => r.method === 'GET'), 'the first GET');
    // Observation window: a retry loop (backoff starts at 1 s) would show here.
    await sleep(3500);
    cli.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await cli.waitForLines(2);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([INIT_ANSWER, JSON.stringify(result(1, {}))]);
    expect(srv.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  test('a GET stream that the server closes at once with retry: 0 is reopened with a backoff, not in a busy loop', async () => {
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') {
        sse(res);
        return void res.end('retry: 0\n\n');
      }
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      res.writeHead(400).end();
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    await waitFor(() => srv!.requests.some((r) => r.method === 'GET'), 'the first GET');
    await sleep(3000);
    // Empty connections back off (1 s, 1.5 s, ...): 2 or 3 GETs in 3 s; retry: 0 honoured as is
    // would have made thousands.
    const gets = srv.requests.filter((r) => r.method === 'GET').length;
    expect(gets).toBeGreaterThanOrEqual(2);
    expect(gets).toBeLessThanOrEqual(4);
    cli.end();
    expect((await cli.exited).code).toBe(0);
  });
});
