/**
 * A server that answers on the wrong stream or with the wrong id must still leave the host with
 * exactly one answer per request: the JSON-RPC rule the bridge keeps whatever the server does.
 */
import { result, sse } from '../helpers/http-server';
import { exitOf, onlyAnswer, parseLine, reply, sleep, useHarness } from '../helpers/cli-kit';

const h = useHarness();
const req = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: {} });
const answersFor = (lines: string[], id: unknown) => lines.map(parseLine).filter((m) => m.id === id && m.method === undefined);

describe('answers that carry another id', () => {
  test("an answer to request 2 on request 1's stream counts once: request 2's own answer is dropped", async () => {
    const server = await h.mcpServer(async (r, res) => {
      const id = (r.json as { id: number }).id;
      if (id === 1) {
        sse(res);
        res.write(`data: ${JSON.stringify(result(2, { from: 'stream 1' }))}\n\n`);
        res.end(`data: ${JSON.stringify(result(1, { from: 'stream 1' }))}\n\n`);
      } else {
        await sleep(400);
        reply(res, 200, 'application/json', JSON.stringify(result(2, { from: 'stream 2' })));
      }
    });
    const run = h.cli(['--url', server.url]);
    run.send(req(2));
    run.send(req(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(answersFor(run.lines, 1)).toEqual([result(1, { from: 'stream 1' })]);
    expect(answersFor(run.lines, 2)).toEqual([result(2, { from: 'stream 1' })]);
    expect(run.lines).toHaveLength(2);
  });

  test('an answer to an id the host never sent is dropped, with a warning; the real answer follows', async () => {
    const server = await h.mcpServer((_r, res) => {
      sse(res);
      res.write(`data: ${JSON.stringify(result(99, { stray: true }))}\n\n`);
      res.end(`data: ${JSON.stringify(result(1, { ok: true }))}\n\n`);
    });
    const run = h.cli(['--url', server.url, '--log-level', 'warn']);
    run.send(req(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([result(1, { ok: true })]);
    expect(run.stderr()).toMatch(/99/);
  });

  test('a stream that ends with only a wrong-id answer: the request still gets one error with its id', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 200, 'application/json', JSON.stringify(result(5, { wrong: true }))));
    const run = h.cli(['--url', server.url]);
    expect(await onlyAnswer(run, req(1))).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: expect.any(Number) } });
  });
});

describe('answers on the stream of a notification', () => {
  test("a server that answers a request on a notification's POST: counted once, for that request", async () => {
    const server = await h.mcpServer(async (r, res) => {
      const message = r.json as { id?: number; method: string };
      if (message.id === undefined) {
        // The notification's POST: an answer to request 1 where a 202 belongs.
        reply(res, 200, 'application/json', JSON.stringify(result(1, { from: 'notification stream' })));
        return;
      }
      await sleep(400);
      reply(res, 200, 'application/json', JSON.stringify(result(1, { from: 'own stream' })));
    });
    const run = h.cli(['--url', server.url]);
    run.send(req(1));
    await sleep(100);
    run.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } });
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([result(1, { from: 'notification stream' })]);
  });
});
