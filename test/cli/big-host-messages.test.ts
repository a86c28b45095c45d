/**
 * Large host messages (stdin lines of 16 KiB and more) are scanned on their bytes and POSTed as
 * the bytes received: the server gets the line byte for byte (JSON blanks around it trimmed, as
 * before), routing reads the same facts (id as written, method, the `_meta` protocol version,
 * the tool's name), and whatever the scanner does not take (invalid JSON or UTF-8, a batch, a
 * form-encoded body) is handled exactly as a small line.
 */
import { classifyJsonRpc } from '../../operators';
import { exitOf, parseLine, posts, reply, useHarness } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const KiB = 1024;

/** A JSON string body of about `bytes` bytes: ASCII, accents, CJK, emoji and escapes. */
function mixedText(bytes: number): string {
  const unit = 'Line \\n\\"quoted\\" C:\\\\dir caf\\u00e9 héllo — 日本語 € 🌍 end. ';
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
}

const call = (id: string, args: string, meta = '') =>
  `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo",${meta}"arguments":{"text":"${args}"}}}`;

describe('big host messages', () => {
  test('a 2 MiB tools/call goes upstream byte for byte; a failure is answered under its id as written', async () => {
    const server = await h.mcpServer((r, res) => {
      if (r.json?.id === 7) return reply(res, 200, 'application/json', JSON.stringify(result(7, { bytes: Buffer.byteLength(r.body) })));
      return reply(res, 500, 'text/plain', 'boom');
    });
    const run = h.rawCli(['--url', server.url, '--retries', '1']);
    const first = call('7', mixedText(2048 * KiB));
    const second = call('18446744073709551616', mixedText(64 * KiB));
    run.sendRaw(` \t${first} \r\n`);
    await run.waitForNewlines(1);
    run.sendRaw(`${second}\n`);
    await run.waitForNewlines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(posts(server).map((r) => [r.body === first || r.body === second, r.headers['content-type'], r.headers['content-length']])).toEqual([
      [true, 'application/json', String(Buffer.byteLength(first))],
      [true, 'application/json', String(Buffer.byteLength(second))],
    ]);
    const lines = run.lines();
    expect(parseLine(lines[0]!)).toEqual(result(7, { bytes: Buffer.byteLength(first) }));
    expect(lines[1]).toMatch(/^\{"jsonrpc":"2.0","id":18446744073709551616,"error":\{"code":-32000,/);
  });

  test('MCP 2026-07-28 headers come from the scanned _meta and name; notifications and answers to the server go as received', async () => {
    const server = await h.mcpServer((r, res) =>
      r.json?.id === 9 ? reply(res, 200, 'application/json', JSON.stringify(result(9, {}))) : reply(res, 202, undefined, ''),
    );
    const run = h.rawCli(['--url', server.url, '--protocol', 'passthrough']);
    const meta = '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"},';
    const modern = call('9', mixedText(64 * KiB), meta);
    const note = `{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${mixedText(32 * KiB)}"}}`;
    const answer = `{"jsonrpc":"2.0","id":"s-1","result":{"content":"${mixedText(32 * KiB)}"}}`;
    run.sendRaw(`${modern}\n${note}\n${answer}\n`);
    await run.waitForNewlines(1);
    // The one-way messages are not answered on stdout: wait for the server to have them.
    for (let i = 0; i < 100 && posts(server).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const seen = posts(server);
    const request = seen.find((r) => r.json?.id === 9)!;
    expect(request.body).toBe(modern);
    expect([request.headers['mcp-protocol-version'], request.headers['mcp-method'], request.headers['mcp-name']]).toEqual(['2026-07-28', 'tools/call', 'echo']);
    expect(seen.map((r) => r.body).sort()).toEqual([modern, note, answer].sort());
  });

  test('what the scanner does not take is answered as a small line would be: invalid JSON, invalid UTF-8, a batch', async () => {
    const server = await h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: true }))));
    const run = h.rawCli(['--url', server.url]);
    const broken = call('1', mixedText(32 * KiB)).slice(0, -2); // unterminated
    const latin1 = Buffer.concat([Buffer.from(call('2', mixedText(32 * KiB)).slice(0, 100)), Buffer.from([0xe9]), Buffer.from(call('2', mixedText(32 * KiB)).slice(100))]);
    const batch = `[${call('3', mixedText(20 * KiB))},{"jsonrpc":"2.0","id":4,"method":"ping"}]`;
    run.sendRaw(Buffer.concat([Buffer.from(`${broken}\n`), latin1, Buffer.from(`\n${batch}\n`)]));
    await run.waitForNewlines(4);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const lines = run.lines().map(parseLine);
    const parseError = classifyJsonRpc(broken);
    expect(lines[0]).toEqual(parseError.kind === 'invalid' ? parseError.error : undefined);
    expect(lines.slice(1).map((m) => m.id).sort()).toEqual([2, 3, 4]);
    // Invalid UTF-8 reaches the server as U+FFFD, as a small line's does.
    expect(posts(server).find((r) => r.json.id === 2)!.body).toBe(latin1.toString('utf8'));
  });

  test('an over-long line whose id is no valid JSON string is answered with id null, and the next request still is', async () => {
    const server = await h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: true }))));
    const run = h.rawCli(['--url', server.url, '--max-message-bytes', '1024']);
    run.sendRaw(`{"id":"\\x","method":"tools/call","params":{"a":"${'a'.repeat(2000)}"}}\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n`);
    await run.waitForNewlines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines().map(parseLine).map((m) => [m.id, m.error?.code])).toEqual([
      [null, -32600],
      [2, undefined],
    ]);
  });

  test('--content-type application/x-www-form-urlencoded: a big message is form-encoded as before', async () => {
    const server = await h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(1, { type: r.headers['content-type'] }))));
    const run = h.rawCli(['--url', server.url, '--content-type', 'application/x-www-form-urlencoded']);
    const text = mixedText(32 * KiB);
    run.sendRaw(`${call('1', text)}\n`);
    await run.waitForNewlines(1);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const body = new URLSearchParams(posts(server)[0]!.body);
    expect(JSON.parse(body.get('params')!)).toEqual(JSON.parse(call('1', text)).params);
  });
});
