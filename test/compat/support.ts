/**
 * Shared by the compatibility suites (not a test file: jest only runs `*.test.ts`). Each suite
 * ports one group of tests of the reference wrapper (IBM/mcp-context-forge,
 * tests/unit/mcpgateway/test_wrapper.py) and drives the built CLI (dist/src/cli.js) black-box
 * against a real node:http server.
 */
import type { ServerResponse } from 'node:http';
import { runCli, type CliRun } from '../helpers/cli-process';
import { startServer, type Handler, type SeenRequest, type TestServer } from '../helpers/http-server';

export const ping = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'ping' });
export const note = (data: string) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data } });
export const ok = (id: number | string, value: unknown = {}) => ({ jsonrpc: '2.0', id, result: value });

/** The exact JSON.parse message of this Node version for `text` (messages differ across versions). */
export function parseErrorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

/** The error line the bridge writes for a request whose response ended without its answer. */
export const noAnswer = (id: number | string) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32000, message: 'No response: the server closed the response without answering the request' },
});

/** The error line for a body that is not JSON (`text` is the body, as the server sent it). */
export const invalidJson = (id: number | string, text: string) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32000, message: `Invalid response: the server sent invalid JSON (${parseErrorOf(text.trim())})`, data: { body: text.trim() } },
});

/** Writes a raw body with the given content type (and no Content-Length: chunked, as streams are). */
export function raw(res: ServerResponse, contentType: string, ...chunks: string[]): void {
  res.writeHead(200, { 'Content-Type': contentType });
  for (const c of chunks) res.write(c);
  res.end();
}

/** Writes chunks one by one, each after the previous one was flushed, then ends the body. */
export async function chunked(res: ServerResponse, contentType: string, chunks: string[]): Promise<void> {
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  for (const c of chunks) {
    await new Promise<void>((resolve) => res.write(c, () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  res.end();
}

/** POST requests only (the bridge may open other requests on its own, e.g. the GET stream). */
export const posts = (requests: SeenRequest[]) => requests.filter((r) => r.method === 'POST');

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Every stdout line, as written (exact text). */
  lines: string[];
  /** stdout lines parsed. */
  messages: Array<Record<string, unknown>>;
  stderr: string;
  requests: SeenRequest[];
  server: TestServer;
}

/**
 * Starts a server with `handler` (GET is answered 405: no server-initiated stream), runs the
 * CLI against it, writes `input` on stdin (objects as JSON lines, strings as they are), closes
 * stdin and waits for the process to exit.
 */
export async function bridge(
  handler: Handler,
  input: Array<unknown>,
  options: { args?: string[]; env?: Record<string, string>; path?: string; url?: (server: TestServer) => string } = {},
): Promise<Outcome> {
  const server = await startServer((req, res, rawReq) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    return handler(req, res, rawReq);
  }, options.path ?? '/mcp');
  try {
    const url = options.url ? options.url(server) : server.url;
    const run = runCli(['--url', url, ...(options.args ?? [])], options.env ?? {});
    for (const item of input) {
      if (typeof item === 'string') run.sendRaw(item);
      else run.send(item);
    }
    run.end();
    const { code, signal } = await run.exited;
    return { code, signal, lines: run.lines.slice(), messages: run.messages(), stderr: run.stderr(), requests: server.requests.slice(), server };
  } finally {
    await server.close();
  }
}

/** Resolves once `predicate` holds for the run's stderr. */
export function waitForStderr(run: CliRun, predicate: (stderr: string) => boolean, what: string, timeoutMs = 15000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for stderr: ${what}\nstderr: ${run.stderr()}`)), timeoutMs);
    const check = () => {
      if (predicate(run.stderr())) {
        clearTimeout(timer);
        run.child.stderr.off('data', check);
        resolve();
      }
    };
    run.child.stderr.on('data', check);
    check();
  });
}

/** A promise with its resolve function, for a handler that must wait for the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
