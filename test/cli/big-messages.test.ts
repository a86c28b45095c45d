/**
 * Large messages: 20 MiB answers (JSON and SSE) are printed whole and byte-identical; over the
 * --max-message-bytes cap, a response or a stdin line yields one error and the bridge goes on.
 */
import { createHash } from 'node:crypto';
import { exitOf, parseLine, posts, reply, useHarness, writeAsync } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const MiB = 1024 * 1024;
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** A result whose text is about `bytes` of UTF-8, multi-byte characters included. */
function bigAnswer(id: number, bytes: number): string {
  const unit = 'abcdefghij ü € 😀 日本 \\" \\\\ '; // JSON-escaped quote and backslash included
  const text = unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
  return `{"jsonrpc":"2.0","id":${id},"result":{"content":[{"type":"text","text":"${text}"}]}}`;
}

/** Writes `body` in 256 KiB pieces, respecting backpressure. */
async function writeInPieces(res: import('node:http').ServerResponse, body: Buffer): Promise<void> {
  for (let i = 0; i < body.length; i += 256 * 1024) await writeAsync(res, body.subarray(i, i + 256 * 1024));
  res.end();
}

describe('big messages', () => {
  test('a 20 MiB application/json result is printed whole, byte for byte', async () => {
    const answer = bigAnswer(1, 20 * MiB);
    const body = Buffer.from(answer, 'utf8');
    const server = await h.mcpServer(async (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      await writeInPieces(res, body);
    });
    const run = h.rawCli(['--url', server.url]);
    run.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} });
    await run.waitForNewlines(1, 45000);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.bytes).toBe(body.length + 1);
    expect(run.newlines).toBe(1);
    const out = run.text();
    expect(sha(out)).toBe(sha(answer + '\n'));
  });

  test('a 20 MiB SSE event is printed whole, byte for byte', async () => {
    const answer = bigAnswer(2, 20 * MiB);
    const body = Buffer.from(`event: message\ndata: ${answer}\n\n`, 'utf8');
    const server = await h.mcpServer(async (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      await writeInPieces(res, body);
    });
    const run = h.rawCli(['--url', server.url]);
    run.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: {} });
    await run.waitForNewlines(1, 45000);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.newlines).toBe(1);
    expect(run.bytes).toBe(Buffer.byteLength(answer) + 1);
    expect(sha(run.text())).toBe(sha(answer + '\n'));
  });

  test('large server notifications and a large server request in an SSE answer are printed byte for byte, in order', async () => {
    // Above the scan threshold (16 KiB) server messages are classified on their bytes, not parsed:
    // each kind must still be routed as that kind (a notification or request taken for an answer
    // would end the call early or be dropped) and printed as received, blanks around it trimmed.
    const unit = 'abcdefghij ü € 😀 日本 \\" \\\\ \\u00e9 ';
    const text = (bytes: number) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
    const progress = (n: number) => `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":${n},"message":"${text(64 * 1024)}"}}`;
    const sampling = `{"jsonrpc":"2.0","id":"s-1","method":"sampling/createMessage","params":{"messages":[{"role":"user","content":{"type":"text","text":"${text(256 * 1024)}"}}],"maxTokens":5}}`;
    const answer = bigAnswer(7, 1 * MiB);
    const events = [progress(1), sampling, progress(2), answer];
    const server = await h.mcpServer(async (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // One event with blanks around its JSON (SSE drops one space after "data:", the bridge the rest).
      const body = events.map((e, i) => (i === 2 ? `data:   ${e} \t\n\n` : `event: message\ndata: ${e}\n\n`)).join('');
      await writeInPieces(res, Buffer.from(body, 'utf8'));
    });
    const run = h.rawCli(['--url', server.url]);
    run.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 't' } } });
    await run.waitForNewlines(4, 45000);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.newlines).toBe(4);
    expect(sha(run.text())).toBe(sha(events.join('\n') + '\n'));
  });

  test('--max-message-bytes 1048576: a 2 MiB response (JSON, SSE, NDJSON) is one error line each, and the bridge keeps serving', async () => {
    const server = await h.mcpServer(async (r, res) => {
      const id = r.json.id as number;
      if (id === 3) return reply(res, 200, 'application/json', bigAnswer(3, 2 * MiB));
      if (id === 4) return reply(res, 200, 'text/event-stream', `data: ${bigAnswer(4, 2 * MiB)}\n\n`);
      if (id === 5) return reply(res, 200, 'application/x-ndjson', `${bigAnswer(5, 2 * MiB)}\n`);
      return reply(res, 200, 'application/json', JSON.stringify(result(id, { small: true })));
    });
    const run = h.rawCli(['--url', server.url, '--max-message-bytes', '1048576']);
    for (const id of [3, 4, 5, 6]) {
      run.send({ jsonrpc: '2.0', id, method: 'tools/call', params: {} });
      await run.waitForNewlines(id - 2);
    }
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines().map(parseLine);
    expect(msgs.map((m) => [m.id, m.error?.code, m.error?.data?.limit])).toEqual([
      [3, -32000, 1048576],
      [4, -32000, 1048576],
      [5, -32000, 1048576],
      [6, undefined, undefined],
    ]);
    for (const m of msgs.slice(0, 3)) expect(m.error!.message).toMatch(/^Response too large: .*1048576.*\(--max-message-bytes\)$/);
    expect(msgs[3]).toEqual(result(6, { small: true }));
    expect(posts(server)).toHaveLength(4);
  });

  test('--max-message-bytes counts bytes for every format: a 1.5 MiB multi-byte message is refused as JSON, SSE and on stdin alike', async () => {
    // 786 432 × "ü" = 1.5 MiB of UTF-8 but only 0.75 Mi UTF-16 units: a byte limit must refuse it.
    const text = 'ü'.repeat(768 * 1024);
    const big = (id: number) => `{"jsonrpc":"2.0","id":${id},"result":{"t":"${text}"}}`;
    const server = await h.mcpServer((r, res) => {
      const id = r.json.id as number;
      if (id === 30) return reply(res, 200, 'application/json', big(30));
      if (id === 31) return reply(res, 200, 'text/event-stream', `data: ${big(31)}\n\n`);
      return reply(res, 200, 'application/json', JSON.stringify(result(id, { bytes: Buffer.byteLength(r.body) })));
    });
    const run = h.rawCli(['--url', server.url, '--max-message-bytes', '1048576']);
    run.send({ jsonrpc: '2.0', id: 30, method: 'tools/call' });
    await run.waitForNewlines(1);
    run.send({ jsonrpc: '2.0', id: 31, method: 'tools/call' });
    await run.waitForNewlines(2);
    run.send({ jsonrpc: '2.0', id: 32, method: 'tools/call', params: { t: text } });
    await run.waitForNewlines(3);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines().map(parseLine);
    expect(msgs.map((m) => [m.id, m.error?.code])).toEqual([
      [30, -32000],
      [31, -32000],
      [32, -32600], // the id is read from the head of the over-long line
    ]);
    expect(posts(server).map((r) => r.json.id)).toEqual([30, 31]);
  });

  test('a 2 MiB stdin line with --max-message-bytes 1048576: one -32600 error line, and the next request is answered', async () => {
    const server = await h.mcpServer((r, res) => reply(res, 200, 'application/json', JSON.stringify(result(r.json.id, { ok: true }))));
    const run = h.rawCli(['--url', server.url, '--max-message-bytes', '1048576']);
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 50, method: 'tools/call', params: { blob: 'x'.repeat(2 * MiB) } });
    run.sendRaw(huge + '\n');
    await run.waitForNewlines(1);
    run.send({ jsonrpc: '2.0', id: 51, method: 'ping' });
    await run.waitForNewlines(2);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    const msgs = run.lines().map(parseLine);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.id).toBe(50); // read from the head of the over-long line
    expect(msgs[0]!.error!.code).toBe(-32600);
    expect(msgs[0]!.error!.message).toContain('1048576');
    expect(msgs[1]).toEqual(result(51, { ok: true }));
    expect(posts(server).map((r) => r.json.id)).toEqual([51]);
  });
});
