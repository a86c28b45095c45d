/**
 * Host input the bridge must answer itself, without involving the server, and keep serving after.
 */
import { exitOf, parseLine, posts, reply, useHarness } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const echo = () => h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { method: r.json.method }))));

describe('bad stdin', () => {
  test('a garbage line: -32700 with id null, nothing POSTed, and the bridge keeps serving', async () => {
    const server = await echo();
    const run = h.cli(['--url', server.url]);
    run.sendRaw('this is not json {\n');
    const [line] = await run.waitForLines(1);
    const msg = parseLine(line!);
    expect(msg).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error: /) } });
    expect(server.requests).toHaveLength(0);
    run.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await run.waitForLines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.slice(1)).toEqual([JSON.stringify(result(1, { method: 'ping' }))]);
    expect(posts(server).map((r) => r.json)).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
  });

  test('a JSON-RPC batch: each member goes on its own and every request in it is answered with its id', async () => {
    const server = await echo();
    const run = h.cli(['--url', server.url]);
    // Two requests (one with a big integer in its params, kept as written), a notification, a
    // member that is no message (no id to answer: -32600 with id null), a batch inside the batch.
    run.sendRaw(
      '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":"b","method":"ping","params":{"n":12345678901234567890}},' +
        '{"jsonrpc":"2.0","method":"notifications/initialized"},5,[{"jsonrpc":"2.0","id":3,"method":"ping"}]]\n',
    );
    run.sendRaw('[]\n');
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const out = run.lines.map(parseLine);
    const answers = out.filter((m) => m.result !== undefined).map((m) => m.id);
    expect(answers.sort()).toEqual([1, 'b']);
    const errors = out.filter((m) => m.error !== undefined);
    expect(errors.map((m) => [m.id, m.error!.code])).toEqual([
      [null, -32600], // 5
      [null, -32600], // the batch inside the batch
      [null, -32600], // the empty batch
    ]);
    expect(out).toHaveLength(5);
    expect(posts(server).map((r) => r.body).sort()).toEqual(
      [
        '{"jsonrpc":"2.0","id":1,"method":"ping"}',
        '{"jsonrpc":"2.0","id":"b","method":"ping","params":{"n":12345678901234567890}}',
        '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      ].sort(),
    );
  });

  test('no method, or no jsonrpc: -32600 carrying the readable id', async () => {
    const server = await echo();
    const run = h.cli(['--url', server.url]);
    run.sendRaw('{"jsonrpc":"2.0","id":5}\n');
    await run.waitForLines(1);
    run.sendRaw('{"id":6,"method":"x"}\n');
    await run.waitForLines(2);
    run.sendRaw('{"jsonrpc":"2.0","id":"s-7","method":42}\n');
    await run.waitForLines(3);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines.map(parseLine);
    expect(msgs.map((m) => [m.id, m.error?.code])).toEqual([
      [5, -32600],
      [6, -32600],
      ['s-7', -32600],
    ]);
    for (const m of msgs) expect(m.error!.message).toMatch(/^Invalid Request/);
    expect(server.requests).toHaveLength(0);
  });

  test('a CRLF-terminated request is answered and POSTed without the CR; blank lines are ignored', async () => {
    const server = await echo();
    const run = h.cli(['--url', server.url]);
    run.sendRaw('\n\r\n   \n\t\n{"jsonrpc":"2.0","id":8,"method":"tools/list"}\r\n\n\n');
    await run.waitForLines(1);
    run.sendRaw('\r\n{"jsonrpc":"2.0","id":9,"method":"ping"}\n');
    await run.waitForLines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([JSON.stringify(result(8, { method: 'tools/list' })), JSON.stringify(result(9, { method: 'ping' }))]);
    expect(posts(server).map((r) => r.body)).toEqual(['{"jsonrpc":"2.0","id":8,"method":"tools/list"}', '{"jsonrpc":"2.0","id":9,"method":"ping"}']);
  });

  test('after a run of bad lines the bridge still serves; only the valid requests reach the server', async () => {
    const server = await echo();
    const run = h.cli(['--url', server.url]);
    run.sendRaw('garbage\n[]\n{"id":1}\nnull\n42\n{"jsonrpc":"2.0","id":null,"method":"x"}\n');
    await run.waitForLines(6);
    run.send({ jsonrpc: '2.0', id: 'after', method: 'ping' });
    await run.waitForLines(7);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines.map(parseLine);
    expect(msgs.slice(0, 6).map((m) => [m.id, m.error?.code])).toEqual([
      [null, -32700],
      [null, -32600],
      [1, -32600],
      [null, -32600],
      [null, -32600],
      [null, -32600],
    ]);
    expect(run.lines[6]).toBe(JSON.stringify(result('after', { method: 'ping' })));
    expect(posts(server)).toHaveLength(1);
  });
});
