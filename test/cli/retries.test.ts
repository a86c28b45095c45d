/**
 * What is sent again and what never is, counted on the server: retryable statuses and failures
 * before any response byte are retried; anything after the server started answering is not.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { exitOf, onlyAnswer, parseLine, posts, reply, sleep, useHarness } from '../helpers/cli-kit';
import { result } from '../helpers/http-server';

const h = useHarness();
const req = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo' } });
/**
 * A request that is safe to repeat: the retries of a 503 without Retry-After and of a reset after
 * the request was sent are for these only (a tools/call of an unannotated tool is not re-sent
 * after them; test/reliability/ covers that side).
 */
const readReq = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'resources/read', params: { uri: 'file:///x' } });
const ok = (id: unknown) => JSON.stringify(result(id, { ok: true }));

describe('retries', () => {
  test('503 twice, then 200: exactly 3 POSTs and one result', async () => {
    const server = await h.mcpServer((r, res) => {
      if (posts(server).length <= 2) return reply(res, 503, 'text/plain', 'busy');
      return reply(res, 200, 'application/json', ok(r.json.id));
    });
    const run = h.cli(['--url', server.url, '--retry-base', '0.01']);
    run.send(readReq(1));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([ok(1)]);
    expect(posts(server).map((r) => r.json)).toEqual([readReq(1), readReq(1), readReq(1)]);
  });

  test('429 with Retry-After: 0 is retried at once (a 60 s backoff base would outlast the test)', async () => {
    const server = await h.mcpServer((r, res) => {
      if (posts(server).length === 1) {
        res.writeHead(429, { 'Retry-After': '0', 'Content-Type': 'text/plain' });
        res.end('slow down');
        return;
      }
      return reply(res, 200, 'application/json', ok(r.json.id));
    });
    const run = h.cli(['--url', server.url, '--retry-base', '60', '--retry-max', '60']);
    run.send(req(2));
    await run.waitForLines(1, 20000);
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([ok(2)]);
    expect(posts(server)).toHaveLength(2);
  });

  test('a connection reset before any response byte is retried', async () => {
    const server = await h.mcpServer((r, res, raw) => {
      if (posts(server).length === 1) {
        raw.socket.destroy();
        return;
      }
      return reply(res, 200, 'application/json', ok(r.json.id));
    });
    const run = h.cli(['--url', server.url, '--retry-base', '0.01']);
    run.send(readReq(3));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual([ok(3)]);
    expect(posts(server)).toHaveLength(2);
  });

  test('a reset after the headers and part of an SSE body is NOT re-POSTed; the id gets one error line', async () => {
    const progress = '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":4,"progress":1}}';
    const server = await h.mcpServer(async (_r, res, raw) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // Destroyed once the partial body has been handed to the socket.
      await new Promise((resolve) => res.write(`data: ${progress}\n\ndata: {"jsonrpc":"2.0","id":4,"res`, resolve));
      raw.socket.destroy();
    });
    const run = h.cli(['--url', server.url, '--retry-base', '0.01']);
    run.send(req(4));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines).toHaveLength(2);
    expect(run.lines[0]).toBe(progress);
    const err = parseLine(run.lines[1]!);
    expect(err.id).toBe(4);
    expect(err.error!.code).toBe(-32000);
    expect(err.result).toBeUndefined();
    // No re-POST, and no resumption GET either: the stream gave no event id.
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
  });

  test('500 is not retried: 1 POST, one error line', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 500, 'text/plain', 'crash'));
    const run = h.cli(['--url', server.url, '--retry-base', '0.01']);
    run.send(req(5));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine).map((m) => [m.id, m.error?.code, m.error?.data?.status])).toEqual([[5, -32000, 500]]);
    expect(posts(server)).toHaveLength(1);
  });

  test('--retries 3 with an always-503 server: exactly 3 POSTs, then one error line', async () => {
    const server = await h.mcpServer((_r, res) => reply(res, 503, 'text/plain', 'still busy'));
    const run = h.cli(['--url', server.url, '--retries', '3', '--retry-base', '0.01']);
    run.send(readReq(6));
    run.end();
    expect(await exitOf(run)).toEqual({ code: 0, signal: null });
    expect(run.lines.map(parseLine)).toEqual([
      { jsonrpc: '2.0', id: 6, error: { code: -32000, message: 'HTTP 503 Service Unavailable: still busy', data: { status: 503, body: 'still busy' } } },
    ]);
    expect(posts(server)).toHaveLength(3);
  });
});

describe('connect timeout', () => {
  test('a server whose TCP connect never completes: --connect-timeout ends each attempt, then one error with the id', async () => {
    // A listener in a stopped process with a full accept queue: the kernel drops further SYNs,
    // so a connect to it hangs (no refusal, no reset) until the bridge's own timer fires.
    const listener = spawn(process.execPath, ['-e', "const s = require('net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const fillers: Socket[] = [];
    try {
      const port = Number((await once(listener.stdout!, 'data'))[0]);
      process.kill(listener.pid!, 'SIGSTOP');
      for (let i = 0; i < 4; i++) fillers.push(connect(port, '127.0.0.1').on('error', () => undefined));
      await sleep(200);
      const run = h.cli(['--url', `http://127.0.0.1:${port}/mcp`, '--connect-timeout', '0.3', '--retries', '2', '--retry-base', '0.01']);
      const answer = await onlyAnswer(run, req(7));
      expect(answer).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32000 } });
      // The bridge's own timer ended it (without it the connect would hang past the test's wait).
      expect(answer.error!.message).toMatch(/connect timed out after 300 ms/);
    } finally {
      for (const socket of fillers) socket.destroy();
      listener.kill('SIGKILL');
    }
  });
});
