/**
 * Every response body format the bridge reads, end to end: the real CLI against a real HTTP
 * server, asserting the exact lines on stdout.
 */
import { result } from '../helpers/http-server';
import { exitOf, posts, reply, useHarness } from '../helpers/cli-kit';

const h = useHarness();
const req = (id: number | string, method = 'tools/call') => ({ jsonrpc: '2.0', id, method, params: {} });
const progress = (token: string | number, n: number) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: n } });
const text = (v: unknown) => JSON.stringify(v);

describe('response content types', () => {
  test('application/json: one message comes out as exactly that line', async () => {
    const body = text(result(1, { content: [{ type: 'text', text: 'héllo 😀' }] }));
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json; charset=utf-8', body));
    const run = h.cli(['--url', server.url]);
    run.send(req(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([body]);
    expect(posts(server).map((r) => r.json)).toEqual([req(1)]);
  });

  test('application/json batch array: each element is its own line, in order', async () => {
    const items = [progress('p', 1), { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } }, result(2, { ok: true })];
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json', text(items)));
    const run = h.cli(['--url', server.url]);
    run.send(req(2));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(items.map(text));
  });

  test('application/json batch with the answer first: the elements after it are printed too', async () => {
    // JSON-RPC lets a batch list its members in any order; the whole body is already here.
    const items = [result(2, { ok: true }), { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'after the answer' } }];
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json', text(items)));
    const run = h.cli(['--url', server.url]);
    run.send(req(2));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(items.map(text));
  });

  test('application/json batch elements are forwarded verbatim: big integers keep their value', async () => {
    // A single message keeps its exact text; batch members must not be re-serialised through
    // JS numbers either (12345678901234567890 would become 12345678901234567000).
    const members = [
      '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":{"n":12345678901234567890}}}',
      '{"jsonrpc":"2.0","id":3,"result":{"big":12345678901234567890,"f":1.50}}',
    ];
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json', `[${members.join(',')}]`));
    const run = h.cli(['--url', server.url]);
    run.send(req(3));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(members);
  });

  test('text/event-stream: a progress notification then the result, two lines in order', async () => {
    const server = await h.mcpServer(async (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`event: message\ndata: ${text(progress('t', 1))}\n\n`);
      await new Promise((r) => setTimeout(r, 50));
      res.end(`data: ${text(result(3, { done: true }))}\n\n`);
    });
    const run = h.cli(['--url', server.url]);
    run.send(req(3));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([text(progress('t', 1)), text(result(3, { done: true }))]);
  });

  test('SSE: data spread over several data: lines is joined and printed as one line', async () => {
    const server = await h.mcpServer((_r, res) =>
      reply(res, 200, 'text/event-stream', 'data: {"jsonrpc":"2.0",\ndata: "id":4,\ndata:   "result": {"a": [1,\ndata: 2]}}\n\n'),
    );
    const run = h.cli(['--url', server.url]);
    run.send(req(4));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toBe('{"jsonrpc":"2.0","id":4,"result": {"a": [1,2]}}');
    expect(JSON.parse(run.lines[0]!)).toEqual(result(4, { a: [1, 2] }));
  });

  test('SSE framing: comments, data: without space, CRLF, bare CR, and non-message events ignored', async () => {
    const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'cr' } };
    const bodies: Record<number, string> = {
      // CRLF endings, a comment, a non-message event, then the answer with `data:` and no space.
      10: `: keep-alive comment\r\nevent: ping\r\ndata: {"jsonrpc":"2.0","method":"ignored/ping"}\r\n\r\nid: 1\r\ndata:${text(result(10, { le: 'crlf' }))}\r\n\r\n`,
      // Bare CR endings: a notification, a custom event type that must be dropped, the answer.
      11: `:comment\rdata: ${text(note)}\r\revent: endpoint\rdata: {"jsonrpc":"2.0","id":11,"result":{"wrong":true}}\r\revent: message\rdata:${text(result(11, { le: 'cr' }))}\r\r`,
      // Mixed LF / CR / CRLF in one stream, an unknown field, and an empty data event.
      12: `retry: 1000\nfoo: bar\ndata:\n\n: c\r\ndata: ${text(result(12, { le: 'mixed' }))}\r\r\n`,
    };
    const server = await h.mcpServer((r, res) => reply(res, 200, 'text/event-stream', bodies[r.json.id as number]!));
    const run = h.cli(['--url', server.url]);
    for (const id of [10, 11, 12]) {
      run.send(req(id));
      await run.waitForLines(id === 11 ? 3 : id === 10 ? 1 : 4);
    }
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([
      text(result(10, { le: 'crlf' })),
      text(note),
      text(result(11, { le: 'cr' })),
      text(result(12, { le: 'mixed' })),
    ]);
  });

  test('bytes that cannot go out as they came are re-encoded: invalid UTF-8 becomes U+FFFD, blanks are trimmed', async () => {
    // Valid, compact messages are written as the bytes the server sent; these three are not.
    const invalid = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"a'), Buffer.of(0xff), Buffer.from('b"}}')]);
    const genuine = '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"\uFFFD é 😀"}}';
    const sse = Buffer.concat([
      Buffer.from('data: '),
      invalid,
      Buffer.from('\n\ndata:   '),
      Buffer.from(genuine),
      Buffer.from(' \t\n\n'),
      Buffer.from('data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n'),
    ]);
    const json = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":2,"result":{"t":"a'), Buffer.of(0xff), Buffer.from('b"}}')]);
    const server = await h.mcpServer((r, res) => {
      const id = (r.json as { id: number }).id;
      if (id === 1) reply(res, 200, 'text/event-stream', sse);
      else reply(res, 200, 'application/json', json);
    });
    const run = h.cli(['--url', server.url, '--concurrency', '1']);
    run.send(req(1));
    run.send(req(2));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const replaced = '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"a\uFFFDb"}}';
    const expected = [replaced, genuine, '{"jsonrpc":"2.0","id":1,"result":{}}', '{"jsonrpc":"2.0","id":2,"result":{"t":"a\uFFFDb"}}'].join('\n') + '\n';
    expect(run.stdoutBytes().toString('hex')).toBe(Buffer.from(expected, 'utf8').toString('hex'));
  });

  test('application/x-ndjson: several messages, the last one without a newline', async () => {
    const lines = [progress('n', 1), progress('n', 2), result(5, { nd: true })].map(text);
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/x-ndjson', `${lines[0]}\n\n${lines[1]}\r\n${lines[2]}`));
    const run = h.cli(['--url', server.url]);
    run.send(req(5));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(lines);
  });

  test('an unknown content type (text/plain) is read as NDJSON', async () => {
    const lines = [progress('u', 1), result(6, { plain: true })].map(text);
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'text/plain', `${lines[0]}\n${lines[1]}\n`));
    const run = h.cli(['--url', server.url]);
    run.send(req(6));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(lines);
  });

  test('notifications answered 202, 204, or 200 with an empty body print nothing', async () => {
    const server = await h.mcpServer((r, res) => {
      switch (r.json.method) {
        case 'notifications/a':
          return reply(res, 202, undefined, '');
        case 'notifications/b':
          res.writeHead(204);
          res.end();
          return;
        case 'notifications/c':
          return reply(res, 200, 'application/json', '');
        case 'notifications/d':
          return reply(res, 200, 'text/event-stream', '');
        case 'notifications/e':
          return reply(res, 200, undefined, '');
        default:
          return reply(res, 200, 'application/json', text(result(r.json.id, {})));
      }
    });
    const run = h.cli(['--url', server.url]);
    for (const m of ['a', 'b', 'c', 'd', 'e']) run.send({ jsonrpc: '2.0', method: `notifications/${m}` });
    run.send(req(9));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([text(result(9, {}))]);
    // Each notification is POSTed once. They go out in stdin order over the one-way lane's few
    // sockets, so one sent on a socket already open can overtake one still connecting: the set is
    // what is guaranteed, not the order of arrival. The request goes in its own lane (pool).
    const methods = posts(server).map((r) => r.json.method as string);
    expect(methods.filter((m) => m.startsWith('notifications/')).sort()).toEqual(['notifications/a', 'notifications/b', 'notifications/c', 'notifications/d', 'notifications/e']);
    expect(methods.filter((m) => m === 'tools/call')).toHaveLength(1);
    expect(run.stderr()).toBe('');
  });

  test('pretty-printed JSON comes out as one line that parses to the same value', async () => {
    const value = result(8, { nested: { list: [1, 2.50, 'a  b', 'tab\tnewline\n'], empty: {}, t: true }, s: 'spaces  inside  ' });
    const pretty = JSON.stringify(value, null, 2).replace(/\n/g, '\r\n') + '\n';
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json', pretty));
    const run = h.cli(['--url', server.url]);
    run.send(req(8));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(run.lines[0]!)).toEqual(value);
  });
});
