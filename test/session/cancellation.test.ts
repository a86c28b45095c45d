/**
 * notifications/cancelled from the host (MCP 2025-06-18, "Cancellation"): the bridge forwards it,
 * aborts the request's HTTP exchange, and writes no answer for the cancelled id.
 */
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, sse, type TestServer } from '../helpers/http-server';
import { INITIALIZED, initializeResult, sseEvent, waitFor } from '../helpers/session-server';

const CALL = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 't9' } } };
const PROGRESS = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't9', progress: 1, total: 10 } };
const CANCEL = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9, reason: 'user pressed stop' } };

describe('cancellation', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  test('the request connection is closed, the notification is POSTed, and no line for id 9 is ever printed', async () => {
    const seen = { callConnectionClosed: false, cancelledPosted: false, wouldHaveAnswered: false };
    const order: string[] = [];
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      if (m?.method === 'tools/call') {
        sse(res, { 'Mcp-Session-Id': 's1' });
        sseEvent(res, PROGRESS, { id: 'c1' });
        res.on('close', () => {
          if (!res.writableFinished) {
            seen.callConnectionClosed = true;
            order.push('call connection closed');
          }
        });
        // A slow tool: it would answer after 1.5 s.
        setTimeout(() => {
          seen.wouldHaveAnswered = true;
          if (!res.destroyed) {
            sseEvent(res, result(9, { content: [{ type: 'text', text: 'too late' }] }), { id: 'c2' });
            res.end();
          }
        }, 1500);
        return;
      }
      if (m?.method === 'notifications/cancelled') {
        seen.cancelledPosted = true;
        order.push('cancelled received');
        return void res.writeHead(202).end();
      }
      if (m?.method === 'ping') return json(res, result(m.id, {}));
      res.writeHead(400).end();
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    cli.send(CALL);
    await cli.waitForLines(2); // initialize answer + the progress: the call is under way
    cli.send(CANCEL);
    await waitFor(() => seen.callConnectionClosed && seen.cancelledPosted, 'the aborted call and the cancelled notification');
    await waitFor(() => seen.wouldHaveAnswered, 'the time the server would have answered');
    // A later request as a barrier: its answer is written after anything about id 9 could be.
    cli.send({ jsonrpc: '2.0', id: 10, method: 'ping' });
    await cli.waitForLines(3);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines).toEqual([JSON.stringify(result(0, initializeResult())), JSON.stringify(PROGRESS), JSON.stringify(result(10, {}))]);
    expect(cli.messages().filter((m) => m.id === 9)).toEqual([]);
    expect(order.sort()).toEqual(['call connection closed', 'cancelled received']);
    const cancelled = srv.requests.filter((r) => r.json?.method === 'notifications/cancelled');
    expect(cancelled.map((r) => [r.method, r.json, r.headers['mcp-session-id']])).toEqual([['POST', CANCEL, 's1']]);
    // The call was not sent again.
    expect(srv.requests.filter((r) => r.json?.method === 'tools/call')).toHaveLength(1);
  });
});
