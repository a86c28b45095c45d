import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from './cli-process';

/** The reference "everything" MCP server (ESM package), run as a child process. */
export const EVERYTHING_BIN = join(__dirname, '..', '..', 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

export type EverythingMode = 'streamableHttp' | 'sse';

export interface EverythingServer {
  port: number;
  /** Streamable HTTP endpoint (`/mcp`) or, in `sse` mode, the legacy SSE endpoint (`/sse`). */
  url: string;
  /** Everything the server printed (stdout + stderr), in arrival order. */
  log(): string;
  /** Resolves when the log matches `pattern` (bounded by `timeoutMs`). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** A free loopback port (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts server-everything on a free port (it reads PORT from the environment and listens on
 * all interfaces) and waits until it says it listens.
 */
export async function startEverything(mode: EverythingMode, timeoutMs = 20000): Promise<EverythingServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING_BIN, mode], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitForLog = (pattern: RegExp, ms = 15000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server-everything: timed out waiting for ${pattern}; log:\n${text}`)), ms);
      const check = () => {
        const m = text.match(pattern);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else waiters.push(check);
      };
      check();
    });

  const ready = mode === 'streamableHttp' ? /listening on port \d+/ : /Server is running on port \d+/;
  try {
    await Promise.race([
      waitForLog(ready, timeoutMs),
      exited.then(() => {
        throw new Error(`server-everything exited before listening:\n${text}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    port,
    url: mode === 'streamableHttp' ? `http://127.0.0.1:${port}/mcp` : `http://127.0.0.1:${port}/sse`,
    log: () => text,
    waitForLog,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface BridgedClient {
  client: Client;
  transport: StdioClientTransport;
  /** The bridge's stderr so far (its log). */
  stderr(): string;
  /**
   * Every message the bridge wrote on stdout, in order, as the transport parsed it (before the
   * SDK Protocol layer, which defers notification handlers to a microtask and may so run a
   * progress handler after the response that arrived in the same chunk).
   */
  received: JSONRPCMessage[];
}

/**
 * Spawns our CLI through the SDK's StdioClientTransport and connects an SDK Client to it.
 * `setup` runs before connect (request handlers for sampling, elicitation, roots...).
 */
export async function connectThroughBridge(
  args: string[],
  capabilities: ClientCapabilities = {},
  setup: (client: Client) => void = () => undefined,
): Promise<BridgedClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { PATH: process.env.PATH ?? '' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'e2e-test-host', version: '1.0.0' }, { capabilities });
  setup(client);
  const received: JSONRPCMessage[] = [];
  await client.connect(transport);
  // connect() has installed the Protocol's handler: record each message before it is handled.
  const handle = transport.onmessage!;
  transport.onmessage = (message: JSONRPCMessage) => {
    received.push(message);
    handle(message);
  };
  return { client, transport, stderr: () => stderr, received };
}

/** Resolves when `predicate` holds (checked every 20 ms); rejects after `timeoutMs`. */
export function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/**
 * In the raw stdout messages from `start` on: the response whose result satisfies `isAnswer`,
 * its index, and the progress notifications for its id (the SDK uses the request id as the
 * progress token) with their indices.
 */
export function progressAndAnswer(
  received: JSONRPCMessage[],
  start: number,
  isAnswer: (result: unknown) => boolean,
): { answerIndex: number; progress: Array<{ index: number; progress: number; total?: number }> } {
  const raw = received.slice(start) as Array<Record<string, any>>;
  const answerIndex = raw.findIndex((m) => 'id' in m && 'result' in m && isAnswer(m.result));
  if (answerIndex < 0) throw new Error('no matching response on stdout');
  const id = raw[answerIndex].id;
  const progress = raw.flatMap((m, index) =>
    m.method === 'notifications/progress' && m.params?.progressToken === id ? [{ index, progress: m.params.progress as number, total: m.params.total as number | undefined }] : [],
  );
  return { answerIndex, progress };
}
