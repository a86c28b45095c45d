/**
 * MCP-Protocol-Version (MCP 2025-06-18, "Protocol Version Header") carries the version the server
 * negotiated on every request after initialize; DELETE at exit carries the session; a 405 to
 * DELETE (server keeps sessions) is no failure.
 */
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, sse, type TestServer } from '../helpers/http-server';
import { INITIALIZED, initializeResult, waitFor } from '../helpers/session-server';

describe('protocol version header and DELETE at exit', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  test('every request after initialize carries the negotiated version and the session; DELETE 405 still exits 0', async () => {
    // The host asks for 2025-06-18; the server negotiates 2025-03-26.
    const negotiated = initializeResult('2025-03-26');
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(405, { Allow: 'GET, POST' }).end();
      if (req.method === 'GET') return void sse(res, { 'Mcp-Session-Id': 'sess-ABC' }); // kept open until exit
      if (m?.method === 'initialize') return json(res, result(m.id, negotiated), 200, { 'Mcp-Session-Id': 'sess-ABC' });
      if (m?.method === 'notifications/initialized') return void res.writeHead(202).end();
      json(res, result(m.id, { ok: m.method }));
    });
    cli = h.cli(['--url', srv.url]);
    cli.send(INITIALIZE);
    cli.send(INITIALIZED);
    cli.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    cli.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    await cli.waitForLines(3);
    // The GET stream opens once initialized is accepted; let it be seen before the input ends.
    await waitFor(() => srv!.requests.some((r) => r.method === 'GET'), 'the GET stream');
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(cli.lines[0]).toBe(JSON.stringify(result(0, negotiated)));
    expect(cli.lines.slice(1).sort()).toEqual([JSON.stringify(result(1, { ok: 'tools/list' })), JSON.stringify(result(2, { ok: 'ping' }))].sort());

    const [init, ...after] = srv.requests;
    expect(init.json).toEqual(INITIALIZE);
    expect(init.headers['mcp-protocol-version']).toBeUndefined();
    expect(init.headers['mcp-session-id']).toBeUndefined();
    expect(after.map((r) => r.method).sort()).toEqual(['DELETE', 'GET', 'POST', 'POST', 'POST']);
    for (const r of after) {
      expect([r.method, r.json?.method, r.headers['mcp-protocol-version'], r.headers['mcp-session-id']]).toEqual([
        r.method,
        r.json?.method,
        '2025-03-26',
        'sess-ABC',
      ]);
    }
    expect(srv.requests[srv.requests.length - 1].method).toBe('DELETE');
  });
});
