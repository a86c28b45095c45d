/**
 * An SSE body cut at every possible byte: inside the emoji's four bytes, between CR and LF, in
 * the middle of a field name. Whatever the TCP chunking, stdout must be exactly the same lines.
 */
import { sleep, exitOf, posts, useHarness, writeAsync } from '../helpers/cli-kit';

const h = useHarness();

/** The notification and the answer for one request id, as the server sends them in its body. */
function messagesFor(id: string): [string, string] {
  const note = `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"${id}","progress":1,"message":"héllo 😀 日本語 ∑ ÿ"}}`;
  const answer = `{"jsonrpc":"2.0","id":"${id}","result":{"content":[{"type":"text","text":"😀€ñ — 𝄞 日本語"}],"isError":false}}`;
  return [note, answer];
}

/** CRLF and bare-CR line ends, a comment with an emoji, the answer's data split over two lines. */
function sseBody(id: string): Buffer {
  const [note, answer] = messagesFor(id);
  const cut = answer.indexOf(',"result"');
  return Buffer.from(`: ping 😀\r\ndata: ${note}\r\n\r\nevent: message\rdata: ${answer.slice(0, cut)}\r\ndata:${answer.slice(cut)}\r\n\r\n`, 'utf8');
}

const idFor = (n: number) => `r${String(n).padStart(3, '0')}`;

describe('SSE body split across TCP chunks', () => {
  test('a body written one byte at a time gives exactly the expected lines', async () => {
    const server = await h.mcpServer(async (r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
      const body = sseBody(r.json.id as string);
      for (let i = 0; i < body.length; i++) {
        await writeAsync(res, body.subarray(i, i + 1));
        await sleep(1);
      }
      res.end();
    });
    const run = h.cli(['--url', server.url]);
    run.send({ jsonrpc: '2.0', id: idFor(0), method: 'tools/call', params: {} });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(messagesFor(idFor(0)));
    // The expected text really is multi-byte: the split points cover partial code points.
    expect(sseBody(idFor(0)).length).toBeGreaterThan(sseBody(idFor(0)).toString('utf8').length);
  });

  test('every split offset (chunk A, pause, chunk B) gives exactly the expected lines', async () => {
    const length = sseBody(idFor(0)).length;
    const offsets = Array.from({ length: length - 1 }, (_, i) => i + 1);
    const server = await h.mcpServer(async (r, res) => {
      const id = r.json.id as string;
      const offset = Number(id.slice(1));
      const body = sseBody(id);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
      await writeAsync(res, body.subarray(0, offset));
      await sleep(15);
      res.end(body.subarray(offset));
    });
    const run = h.cli(['--url', server.url]);
    for (const offset of offsets) run.send({ jsonrpc: '2.0', id: idFor(offset), method: 'tools/call', params: {} });
    run.end();
    expect(await exitOf(run, 50000)).toEqual({ code: 0, signal: null });

    expect(posts(server)).toHaveLength(offsets.length);
    const expected = offsets.flatMap((o) => messagesFor(idFor(o)));
    expect(run.lines).toHaveLength(expected.length);
    expect([...run.lines].sort()).toEqual([...expected].sort());
    // Within each response, the notification precedes the answer.
    for (const o of offsets) {
      const [note, answer] = messagesFor(idFor(o));
      expect(run.lines.indexOf(note)).toBeLessThan(run.lines.indexOf(answer));
    }
    expect(run.stderr()).toBe('');
  });
});
