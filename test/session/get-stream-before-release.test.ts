/**
 * Issue #13 item 5 (the conformance suite's `sse-retry`): after `notifications/initialized` is
 * accepted, the GET stream is opened before the requests held behind the handshake go out, as
 * the SDK client does: a server may send on it what those requests need.
 */
import { INITIALIZE } from '../helpers/cli-process';
import { useHarness, waitFor } from '../helpers/cli-kit';
import { json, result, sse } from '../helpers/http-server';
import { INITIALIZED, initializeResult } from '../helpers/session-server';

describe('GET stream before the held requests', () => {
  const h = useHarness();

  test('the GET reaches the server before the tools/list written right after notifications/initialized', async () => {
    const events: string[] = [];
    const srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') {
        events.push('GET');
        // A slow stream: its headers come 300 ms after the request.
        setTimeout(() => sse(res, { 'Mcp-Session-Id': 's1' }), 300);
        return;
      }
      if (m?.method === 'initialize') return json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
      if (m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      events.push(m.method);
      json(res, result(m.id, {}));
    });
    const cli = h.cli(['--url', srv.url]);
    cli.sendRaw([INITIALIZE, INITIALIZED, { jsonrpc: '2.0', id: 1, method: 'tools/list' }].map((m) => JSON.stringify(m) + '\n').join(''));
    await cli.waitForLines(2);
    await waitFor(() => events.includes('tools/list'), 'the held request to go out');
    expect(events.slice(0, 2)).toEqual(['GET', 'tools/list']);
    cli.end();
    await cli.exited;
  });
});
