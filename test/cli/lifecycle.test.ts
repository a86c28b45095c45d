/**
 * How the bridge ends: stdin EOF drains in-flight requests (and only then DELETEs the session),
 * an idle bridge exits, SIGTERM lets the in-flight answer out, and the shutdown deadline answers
 * whatever is still open with exactly one error.
 */
import { exitOf, parseLine, posts, reply, socketClosed, useHarness, waitFor } from '../helpers/cli-kit';
import { INITIALIZE } from '../helpers/cli-process';
import { result } from '../helpers/http-server';

const h = useHarness();
const req = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'slow' } });
const INIT_RESULT = { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'srv', version: '1' } };
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lifecycle', () => {
  test('EOF with 3 requests in flight: all answers (one > 64 KiB) printed whole, exit 0, then a DELETE with the session id', async () => {
    const big = 'ü€😀x'.repeat(20000); // 200 000 UTF-16 units, 220 000 bytes of UTF-8
    const answers: Record<number, string> = {
      1: JSON.stringify(result(1, { content: [{ type: 'text', text: 'one' }] })),
      2: JSON.stringify(result(2, { content: [{ type: 'text', text: big }] })),
      3: JSON.stringify(result(3, { content: [{ type: 'text', text: 'three' }] })),
    };
    const events: string[] = [];
    const server = await h.server(async (r, res) => {
      if (r.method === 'DELETE') {
        events.push(`DELETE ${String(r.headers['mcp-session-id'])}`);
        res.writeHead(204);
        res.end();
        return;
      }
      if (r.method === 'GET') {
        res.writeHead(405);
        res.end();
        return;
      }
      if (r.json.method === 'initialize') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 'sess-42' });
        res.end(JSON.stringify(result(r.json.id, INIT_RESULT)));
        return;
      }
      events.push(`POST ${r.json.id} session=${String(r.headers['mcp-session-id'])}`);
      await delay(300);
      // The big answer goes out last: it is the final line before exit (truncation would show).
      if (r.json.id === 2) await waitFor(() => events.includes('answered 1') && events.includes('answered 3'), 'answers 1 and 3');
      res.on('finish', () => events.push(`answered ${r.json.id}`));
      reply(res, 200, 'application/json', answers[r.json.id as number]!);
    });
    const run = h.cli(['--url', server.url]);
    run.send(INITIALIZE);
    run.send(req(1));
    run.send(req(2));
    run.send(req(3));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });

    expect(run.lines).toHaveLength(4);
    expect(run.lines[0]).toBe(JSON.stringify(result(0, INIT_RESULT)));
    expect([...run.lines.slice(1, 3)].sort()).toEqual([answers[1], answers[3]].sort());
    expect(run.lines[3]).toBe(answers[2]);
    expect(Buffer.byteLength(run.lines[3]!)).toBeGreaterThan(64 * 1024);
    expect(events.filter((e) => e.startsWith('POST')).sort()).toEqual(['POST 1 session=sess-42', 'POST 2 session=sess-42', 'POST 3 session=sess-42']);
    expect(events.filter((e) => e.startsWith('answered')).sort()).toEqual(['answered 1', 'answered 2', 'answered 3']);
    // The session is ended exactly once, and only after every answer went out.
    expect(events).toHaveLength(7);
    expect(events[6]).toBe('DELETE sess-42');
  });

  test('an idle bridge exits with 0 once stdin closes', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 500, 'text/plain', 'unexpected'));
    const run = h.cli(['--url', server.url]);
    run.end();
    expect(await exitOf(run, 15000)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  test('SIGTERM with a request in flight: its answer (sent 500 ms later) is still printed, exit 0', async () => {
    const server = await h.mcpServer(async (r, res) => {
      await delay(500);
      reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { late: true })));
    });
    const run = h.cli(['--url', server.url]);
    run.send(req('term-1'));
    await waitFor(() => posts(server).length === 1, 'the POST to reach the server');
    run.child.kill('SIGTERM');
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result('term-1', { late: true }))]);
  });

  test('--shutdown-timeout 1 with a server that never answers: at EOF exactly one -32603 error line, exit 0', async () => {
    let aborted = false;
    const server = await h.mcpServer((_r, _res, raw) => {
      void socketClosed(raw).then(() => (aborted = true));
    });
    const run = h.cli(['--url', server.url, '--shutdown-timeout', '1']);
    run.send(req(21));
    await waitFor(() => posts(server).length === 1, 'the POST to reach the server');
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([
      { jsonrpc: '2.0', id: 21, error: { code: -32603, message: 'the bridge shut down before the server answered' } },
    ]);
    await waitFor(() => aborted, 'the abandoned request socket to close');
  });
});
