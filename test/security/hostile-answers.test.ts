/**
 * Issue #18 item 3, the cases the bridge decides itself: what an upstream error body echoes never
 * hands the host a secret; ids the bridge answers are the host's as written; a server answer with
 * duplicate routing keys is refused (with the request's id) instead of forwarded byte for byte.
 */
import { onlyAnswer, reply, useHarness } from '../helpers/cli-kit';
import { json } from '../helpers/http-server';

const TOKEN = 'Bearer s3cr3t-token-0123456789';
const API_KEY = 'key-abcdef-9876543210';

describe('hostile answers', () => {
  const h = useHarness();

  test('a 500 body that echoes the request headers reaches stdout with every configured secret redacted', async () => {
    const srv = await h.mcpServer((req, res) => reply(res, 500, 'text/plain', `echo: ${JSON.stringify(req.headers)}`));
    const proxyUser = 'http://proxyuser:pr0xy-pa55word@127.0.0.1:9';
    const run = h.cli(['--url', srv.url, '--auth', TOKEN, '-H', `X-Api-Key: ${API_KEY}`, '--retries', '1'], { NO_PROXY: '127.0.0.1', HTTP_PROXY: proxyUser });
    const answer = await onlyAnswer(run, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x' } });
    expect(answer.id).toBe(7);
    expect(answer.error?.code).toBe(-32000);
    const out = run.lines.join('\n');
    // The echo did reach the answer (the test can fail), with the secrets replaced.
    expect(out).toContain('x-api-key');
    expect(out).toContain('***');
    for (const secret of ['s3cr3t-token-0123456789', API_KEY]) expect(out).not.toContain(secret);
  });

  test('a relayed JSON-RPC error body is redacted too', async () => {
    const srv = await h.mcpServer((req, res) => json(res, { jsonrpc: '2.0', id: 1, error: { code: -32603, message: `bad token ${req.headers.authorization}` } }, 401));
    const run = h.cli(['--url', srv.url, '--auth', TOKEN]);
    const answer = await onlyAnswer(run, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(answer.error?.message).toBe('bad token ***');
  });

  test.each([
    ['2^64', '18446744073709551616'],
    ['1e400', '1e400'],
    ['-0.0', '-0.0'],
  ])('an id the bridge answers itself is the host\'s as written: %s', async (_title, idText) => {
    const srv = await h.mcpServer((_req, res) => reply(res, 503, 'text/plain', 'down'));
    const run = h.cli(['--url', srv.url, '--retries', '1']);
    run.sendRaw(`{"jsonrpc":"2.0","id":${idText},"method":"tools/list"}\n`);
    run.end();
    await run.exited;
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(new RegExp(`^\\{"jsonrpc":"2.0","id":${idText.replace(/[.+-]/g, '\\$&')},"error":`));
  });

  test.each([
    ['JSON', (res: import('node:http').ServerResponse) => reply(res, 200, 'application/json', '{"jsonrpc":"2.0","id":999,"id":2,"result":{}}')],
    ['SSE', (res: import('node:http').ServerResponse) => reply(res, 200, 'text/event-stream', 'data: {"jsonrpc":"2.0","id":999,"id":2,"result":{}}\n\n')],
    ['an escaped key', (res: import('node:http').ServerResponse) => reply(res, 200, 'application/json', '{"jsonrpc":"2.0","\\u0069d":999,"id":2,"result":{}}')],
  ])('an answer with duplicate id keys (%s) is refused with the request\'s id', async (_title, answer) => {
    const srv = await h.mcpServer((_req, res) => answer(res));
    const run = h.cli(['--url', srv.url]);
    const line = await onlyAnswer(run, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(line.id).toBe(2);
    expect(line.error?.code).toBe(-32000);
    expect(line.error?.message).toContain('duplicate keys (id)');
  });

  test('a large answer (scanned on its bytes, not parsed) with duplicate id keys is refused too', async () => {
    const big = 'é'.repeat(300_000);
    const srv = await h.mcpServer((_req, res) => reply(res, 200, 'application/json', `{"jsonrpc":"2.0","id":999,"id":2,"result":{"text":"${big}"}}`));
    const run = h.cli(['--url', srv.url]);
    const line = await onlyAnswer(run, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x' } });
    expect(line.error?.message).toContain('duplicate keys (id)');
  });

  test('a large notification (scanned on its bytes) with duplicate method keys is refused, with the request\'s id', async () => {
    const big = 'é'.repeat(300_000);
    const notification = `{"jsonrpc":"2.0","method":"notifications/message","method":"notifications/progress","params":{"text":"${big}"}}`;
    const srv = await h.mcpServer((_req, res) => reply(res, 200, 'text/event-stream', `data: ${notification}\n\ndata: {"jsonrpc":"2.0","id":4,"result":{}}\n\n`));
    const run = h.cli(['--url', srv.url]);
    const line = await onlyAnswer(run, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'x' } });
    expect(line.id).toBe(4);
    expect(line.error?.message).toContain('duplicate keys (method)');
  });

  test('a large answer with invalid UTF-8 is forwarded as before: decoded with U+FFFD, one line', async () => {
    const head = Buffer.from('{"jsonrpc":"2.0","id":3,"result":{"text":"' + 'a'.repeat(300_000));
    const body = Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    const srv = await h.mcpServer((_req, res) => reply(res, 200, 'text/event-stream', Buffer.concat([Buffer.from('data: '), body, Buffer.from('\n\n')])));
    const run = h.cli(['--url', srv.url]);
    const line = await onlyAnswer(run, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x' } });
    expect(line.result.text.endsWith('\uFFFD\uFFFD')).toBe(true);
  });

  test('a large pretty-printed JSON answer still comes out as one line', async () => {
    const value = { jsonrpc: '2.0', id: 4, result: { items: Array.from({ length: 3000 }, (_, i) => ({ n: i, text: 'ü' })) } };
    const srv = await h.mcpServer((_req, res) => reply(res, 200, 'application/json', JSON.stringify(value, null, 2)));
    const run = h.cli(['--url', srv.url]);
    const line = await onlyAnswer(run, { jsonrpc: '2.0', id: 4, method: 'tools/list' });
    expect(line).toEqual(value);
  });

  test('nested ids do not count as duplicates', async () => {
    const body = '{"jsonrpc":"2.0","id":2,"result":{"items":[{"id":1},{"id":2}]}}';
    const srv = await h.mcpServer((_req, res) => reply(res, 200, 'application/json', body));
    const run = h.cli(['--url', srv.url]);
    run.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    run.end();
    await run.exited;
    expect(run.lines).toEqual([body]);
  });
});
