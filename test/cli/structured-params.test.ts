/**
 * `params: 5` (#18 item 3): JSON-RPC 2.0 §4.2 requires params, when present, to be an object or an
 * array. A request with scalar params is answered -32600 under its id and never forwarded; a
 * "notification" with them is an invalid message (-32600, id null), not forwarded either.
 * Structured params, and messages from the server, are unaffected.
 */
import { classifyJsonRpc, ErrorCode } from '../../operators';
import { exitOf, parseLine, posts, reply, useHarness } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

describe('classifyJsonRpc', () => {
  test.each([5, '"x"', 'true', '-1.5e3'])('a request with params %s is -32600 with its id', (params) => {
    const c = classifyJsonRpc(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":${params}}`);
    expect(c).toMatchObject({ kind: 'invalid', id: 7, error: { id: 7, error: { code: ErrorCode.InvalidRequest, message: 'Invalid Request: "params" must be an object or an array' } } });
  });

  test('a notification with scalar params is -32600 with id null', () => {
    expect(classifyJsonRpc('{"jsonrpc":"2.0","method":"notifications/progress","params":5}')).toMatchObject({ kind: 'invalid', id: null });
  });

  test.each(['{}', '[]', '[1,2]', '{"name":"x"}', 'null'])('params %s: still a request', (params) => {
    expect(classifyJsonRpc(`{"jsonrpc":"2.0","id":"a","method":"m","params":${params}}`)).toMatchObject({ kind: 'request', id: 'a' });
  });

  test('messages a server sends keep their kinds: a request with object params, a notification, responses', () => {
    expect(classifyJsonRpc('{"jsonrpc":"2.0","id":1,"method":"sampling/createMessage","params":{"messages":[]}}').kind).toBe('request');
    expect(classifyJsonRpc('{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":5}}').kind).toBe('notification');
    expect(classifyJsonRpc('{"jsonrpc":"2.0","id":1,"result":5}').kind).toBe('response');
    expect(classifyJsonRpc('{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","data":5}}').kind).toBe('response');
  });
});

describe('the CLI', () => {
  const h = useHarness();

  test('a tools/call with params 5 gets -32600 under its id and never reaches the server; the next request is served', async () => {
    const server = await h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: true }))));
    const run = h.cli(['--url', server.url, '--transport', 'streamable-http']);
    run.sendRaw('{"jsonrpc":"2.0","id":5,"method":"tools/call","params":5}\n');
    run.sendRaw('{"jsonrpc":"2.0","method":"notifications/cancelled","params":"x"}\n');
    run.send({ jsonrpc: '2.0', id: 6, method: 'ping', params: {} });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const byId = new Map(run.lines.map(parseLine).map((m) => [m.id, m]));
    expect(byId.get(5)).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32600, message: 'Invalid Request: "params" must be an object or an array' } });
    expect(byId.get(6)).toEqual(result(6, { ok: true }));
    // The notification is an invalid message: answered like any other, with id null (JSON-RPC §5).
    expect(byId.get(null)).toMatchObject({ id: null, error: { code: -32600 } });
    expect(run.lines).toHaveLength(3);
    expect(posts(server).map((r) => r.json.method)).toEqual(['ping']);
  });
});
