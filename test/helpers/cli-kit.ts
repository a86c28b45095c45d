/**
 * Shared plumbing for the CLI suites under test/cli/: cleanup of spawned bridges and servers,
 * condition waits (no bare sleeps for synchronisation), an MCP-shaped request router, and a
 * byte-exact stdout collector for very large outputs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import type { ServerResponse, IncomingMessage } from 'node:http';
import { CLI, runCli, type CliRun } from './cli-process';
import { startServer, type Handler, type SeenRequest, type TestServer } from './http-server';
import { sleep, waitFor, within } from './wait';

export { sleep, waitFor, within };




interface Closable {
  kill(): void;
}

/**
 * Per-suite registry: every bridge and server started through it is torn down after each test,
 * whether the test passed or not (a failing test must not leave processes or sockets behind).
 */
export function useHarness() {
  const children: Closable[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const trackChild = (child: ChildProcessWithoutNullStreams) =>
    children.push({
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    });
  return {
    /** runCli, killed after the test if still running. */
    cli(args: string[], env: Record<string, string> = {}): CliRun {
      const run = runCli(args, env);
      trackChild(run.child);
      return run;
    },
    /** spawnCliBytes, killed after the test if still running. */
    rawCli(args: string[], env: Record<string, string> = {}, options: RawCliOptions = {}): RawCli {
      const run = spawnCliBytes(args, env, options);
      trackChild(run.child);
      return run;
    },
    async server(handler: Handler, path?: string): Promise<TestServer> {
      const server = await startServer(handler, path);
      servers.push(server);
      return server;
    },
    /** A server speaking just enough MCP: POSTs go to `onPost`, GET is 405, DELETE is 200. */
    async mcpServer(onPost: Handler): Promise<TestServer> {
      return this.server(mcpRoutes(onPost));
    },
  };
}

/** Routes POSTs to `onPost`; GET (server stream) answers 405, DELETE (session end) 200. */
export function mcpRoutes(onPost: Handler): Handler {
  return (req, res, raw) => {
    if (req.method === 'GET') {
      res.writeHead(405, { Allow: 'POST, DELETE' });
      res.end();
      return;
    }
    if (req.method === 'DELETE') {
      res.writeHead(200);
      res.end();
      return;
    }
    return onPost(req, res, raw);
  };
}

export const posts = (server: TestServer): SeenRequest[] => server.requests.filter((r) => r.method === 'POST');

/** Exit of a run, with a generous safety timeout. */
export function exitOf(run: { exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }, ms = 30000) {
  return within(run.exited, ms, 'the bridge to exit');
}

/**
 * Sends one message, closes stdin, expects a clean exit with exactly one stdout line, and returns
 * that line parsed: for the cases where a request must get one answer and nothing else.
 */
export async function onlyAnswer(run: CliRun, message: unknown) {
  run.send(message);
  run.end();
  expect(await exitOf(run)).toEqual({ code: 0, signal: null });
  expect(run.lines).toHaveLength(1);
  return parseLine(run.lines[0]!);
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function packageJsonVersion(): string {
  return (JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string }).version;
}

/** Writes a full response with an explicit content type and body. */
export function reply(res: ServerResponse, status: number, contentType: string | undefined, body: string | Buffer): void {
  const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(body) };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  res.writeHead(status, headers);
  res.end(body);
}

/** Resolves when the client's socket for this request closes (it aborted, or the connection was torn down). */
export function socketClosed(raw: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (raw.socket.destroyed) return resolve();
    raw.socket.once('close', () => resolve());
  });
}

/** Writes to a response and resolves once the data is handed to the socket (respects backpressure). */
export function writeAsync(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = res.write(chunk, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else {
      const onDrain = () => {
        res.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        res.off('drain', onDrain);
        reject(new Error('response closed'));
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    }
  });
}

export interface RawCliOptions {
  /** Keep every stdout byte (default true); false only counts bytes and newlines. */
  keep?: boolean;
  /** Do not read stdout until `resume()` is called: the pipe fills and the bridge must hold back. */
  paused?: boolean;
}

export interface RawCli {
  child: ChildProcessWithoutNullStreams;
  /** stdout bytes and newline count so far. */
  readonly bytes: number;
  readonly newlines: number;
  stderr(): string;
  send(message: unknown): void;
  sendRaw(text: string | Buffer): void;
  end(): void;
  resume(): void;
  /** All stdout (only with keep) as text, and as lines without their newline. */
  text(): string;
  lines(): string[];
  waitForNewlines(n: number, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the CLI and collects stdout as raw bytes (no per-chunk string splitting, so a 20 MiB
 * line costs O(n)), counting newlines as they arrive.
 */
export function spawnCliBytes(args: string[], env: Record<string, string> = {}, options: RawCliOptions = {}): RawCli {
  const keep = options.keep ?? true;
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let bytes = 0;
  let newlines = 0;
  let stderr = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    if (keep) chunks.push(chunk);
    for (const w of waiters.splice(0)) w();
  };
  const stdoutDone = new Promise<void>((resolve) => child.stdout.on('end', () => resolve()));
  if (!options.paused) child.stdout.on('data', onData);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => void stdoutDone.then(() => resolve({ code, signal }))),
  );
  let resumed = !options.paused;
  return {
    child,
    get bytes() {
      return bytes;
    },
    get newlines() {
      return newlines;
    },
    stderr: () => stderr,
    send: (message) => child.stdin.write(JSON.stringify(message) + '\n'),
    sendRaw: (text) => child.stdin.write(text),
    end: () => child.stdin.end(),
    resume() {
      if (resumed) return;
      resumed = true;
      child.stdout.on('data', onData);
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    lines() {
      const text = Buffer.concat(chunks).toString('utf8');
      const parts = text.split('\n');
      parts.pop();
      return parts;
    },
    waitForNewlines(n, timeoutMs = 30000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} stdout lines; got ${newlines}\nstderr: ${stderr}`)), timeoutMs);
        const check = () => {
          if (newlines >= n) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    exited,
  };
}

/** The error object of a JSON-RPC error line. */
export interface RpcError {
  code: number;
  message: string;
  data?: any;
}

export function parseLine(line: string): { jsonrpc: string; id?: unknown; result?: any; error?: RpcError; method?: string; params?: any } {
  return JSON.parse(line);
}
