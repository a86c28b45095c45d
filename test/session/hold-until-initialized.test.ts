/**
 * Messages written after initialize wait for its answer, so that each carries the session id
 * (none goes out without it and starts a session of its own).
 */
import { INITIALIZE, type CliRun } from '../helpers/cli-process';
import { useHarness } from '../helpers/cli-kit';
import { json, result, type TestServer } from '../helpers/http-server';
import { initializeResult } from '../helpers/session-server';

describe('hold until initialize is answered', () => {
  const h = useHarness();
  let srv: TestServer | undefined;
  let cli: CliRun | undefined;

  test('initialize answered after 500 ms: the three requests written right after it go out after the answer, with the session', async () => {
    const events: string[] = [];
    srv = await h.server((req, res) => {
      const m = req.json;
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (m?.method === 'initialize') {
        events.push('initialize received');
        setTimeout(() => {
          events.push('initialize answered');
          json(res, result(m.id, initializeResult()), 200, { 'Mcp-Session-Id': 's1' });
        }, 500);
        return;
      }
      events.push(`${m.method} ${m.id} (session ${req.headers['mcp-session-id'] ?? 'none'})`);
      json(res, result(m.id, { echoed: m.method }));
    });
    cli = h.cli(['--url', srv.url]);
    // One write: all four lines are on stdin at once.
    cli.sendRaw(
      [
        INITIALIZE,
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
        { jsonrpc: '2.0', id: 3, method: 'resources/list' },
      ]
        .map((m) => JSON.stringify(m) + '\n')
        .join(''),
    );
    await cli.waitForLines(4);
    cli.end();
    expect((await cli.exited).code).toBe(0);

    expect(events.slice(0, 2)).toEqual(['initialize received', 'initialize answered']);
    expect(events.slice(2).sort()).toEqual(['ping 2 (session s1)', 'resources/list 3 (session s1)', 'tools/list 1 (session s1)']);
    expect(cli.lines[0]).toBe(JSON.stringify(result(0, initializeResult())));
    expect(cli.lines.slice(1).sort()).toEqual(
      [result(1, { echoed: 'tools/list' }), result(2, { echoed: 'ping' }), result(3, { echoed: 'resources/list' })].map((m) => JSON.stringify(m)).sort(),
    );
    for (const r of srv.requests.filter((x) => x.method === 'POST' && x.json?.method !== 'initialize')) {
      expect(r.headers['mcp-protocol-version']).toBe('2025-06-18');
    }
  });
});
