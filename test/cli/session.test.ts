/**
 * Session basics: the Mcp-Session-Id from the initialize answer and the negotiated protocol
 * version go on every later request, including one written before the initialize was answered.
 */
import { INITIALIZE } from '../helpers/cli-process';
import { result } from '../helpers/http-server';
import { exitOf, posts, reply, useHarness } from '../helpers/cli-kit';

const h = useHarness();
// The server negotiates an older version than the host asked for (2025-06-18): the header must
// carry the negotiated one, from the initialize result.
const INIT_RESULT = { protocolVersion: '2025-03-26', capabilities: {}, serverInfo: { name: 's', version: '1' } };

describe('session', () => {
  test('initialize answered with Mcp-Session-Id: s1; the next POST carries the session id and the negotiated protocol version', async () => {
    const server = await h.mcpServer((r, res) => {
      if (r.json.method === 'initialize') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 's1' });
        res.end(JSON.stringify(result(r.json.id, INIT_RESULT)));
        return;
      }
      reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, {})));
    });
    const run = h.cli(['--url', server.url]);
    run.send(INITIALIZE);
    await run.waitForLines(1);
    run.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await run.waitForLines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(0, INIT_RESULT)), JSON.stringify(result(1, {}))]);
    const [init, next] = posts(server);
    expect(init!.json.method).toBe('initialize');
    expect(init!.headers['mcp-session-id']).toBeUndefined();
    expect(next!.json.id).toBe(1);
    expect(next!.headers['mcp-session-id']).toBe('s1');
    expect(next!.headers['mcp-protocol-version']).toBe('2025-03-26');
    // At exit the session is ended with a DELETE carrying it.
    const del = server.requests.filter((r) => r.method === 'DELETE');
    expect(del.map((r) => r.headers['mcp-session-id'])).toEqual(['s1']);
  });

  test('a request written right after initialize waits for its (slow) answer and carries s1', async () => {
    const events: string[] = [];
    const server = await h.mcpServer(async (r, res) => {
      events.push(`received ${r.json.method}`);
      if (r.json.method === 'initialize') {
        await new Promise((resolve) => setTimeout(resolve, 300));
        res.on('finish', () => events.push('initialize answered'));
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 's1' });
        res.end(JSON.stringify(result(r.json.id, INIT_RESULT)));
        return;
      }
      if (r.json.id === undefined) return reply(res, 202, undefined, '');
      reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { listed: true })));
    });
    const run = h.cli(['--url', server.url]);
    run.send(INITIALIZE);
    run.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    run.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await run.waitForLines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(0, INIT_RESULT)), JSON.stringify(result(1, { listed: true }))]);
    expect(run.stderr()).toBe('');
    // Nothing else reached the server before the initialize was answered.
    expect(events.slice(0, 2)).toEqual(['received initialize', 'initialize answered']);
    const held = posts(server).filter((r) => r.json.method !== 'initialize');
    expect(held.map((r) => r.json.method).sort()).toEqual(['notifications/initialized', 'tools/list']);
    for (const r of held) {
      expect(r.headers['mcp-session-id']).toBe('s1');
      expect(r.headers['mcp-protocol-version']).toBe('2025-03-26');
    }
  });
});
