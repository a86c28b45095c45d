/**
 * Compressed responses (Content-Encoding gzip, deflate, br): decoded, and still streamed: an SSE
 * event compressed and flushed on its own reaches stdout before the server sends the next one.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { result, sse } from '../helpers/http-server';
import { exitOf, onlyAnswer, parseLine, posts, useHarness, waitFor } from '../helpers/cli-kit';

const h = useHarness();
const req = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: {} });
const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1, message: 'héllo 😀' } };

describe('compressed responses', () => {
  test('a gzip event stream streams: the first event reaches stdout before the server writes the second', async () => {
    let seenFirst: () => boolean = () => false;
    const server = await h.mcpServer(async (_r, res) => {
      sse(res, { 'Content-Encoding': 'gzip' });
      const gzip = zlib.createGzip();
      gzip.pipe(res);
      gzip.write(`data: ${JSON.stringify(progress)}\n\n`);
      gzip.flush(zlib.constants.Z_SYNC_FLUSH);
      await waitFor(seenFirst, 'the progress line on stdout while the stream is still open');
      gzip.end(`data: ${JSON.stringify(result(1, { done: true }))}\n\n`);
    });
    const run = h.cli(['--url', server.url]);
    seenFirst = () => run.lines.length >= 1;
    run.send(req(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([progress, result(1, { done: true })]);
    expect(String(posts(server)[0]!.headers['accept-encoding'])).toMatch(/gzip/);
  });

  test.each([
    ['gzip', promisify(zlib.gzip)],
    ['deflate', promisify(zlib.deflate)],
    ['br', promisify(zlib.brotliCompress)],
  ])('a %s JSON body is decoded to the exact message', async (encoding, compress) => {
    const body = JSON.stringify(result(1, { content: [{ type: 'text', text: 'é'.repeat(50_000) }] }));
    const compressed = await compress(Buffer.from(body));
    const server = await h.mcpServer((_r, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding, 'Content-Length': compressed.length });
      res.end(compressed);
    });
    const run = h.cli(['--url', server.url]);
    run.send(req(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([body]);
  });

  test('a corrupt gzip body is answered with an error carrying the id', async () => {
    const bad = await h.mcpServer((_r, res) => {
      const junk = Buffer.from('this is not gzip at all');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': junk.length });
      res.end(junk);
    });
    const run = h.cli(['--url', bad.url]);
    expect(await onlyAnswer(run, req(7))).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32000 } });
  });
});
