/**
 * A loopback mock MCP Streamable HTTP server for the end-to-end benches.
 *
 * - POST `initialize`: JSON answer with an `Mcp-Session-Id` header.
 * - POST notifications and responses: 202, empty body.
 * - POST `tools/call`, by tool name:
 *     `json`   -> one small JSON answer (application/json);
 *     `sse`    -> the same answer as one SSE event (text/event-stream), then the body ends;
 *     `big`    -> one SSE event whose `data` is a JSON-RPC answer of exactly `arguments.bytes`
 *                 bytes (a text content of 'x'), written in 16 KiB writes;
 *     `events` -> `arguments.bytes` of SSE events, each exactly `arguments.eventBytes` (16 KiB)
 *                 long and written with one write (`notifications/progress`, padded with 'x'),
 *                 then the answer as a last event.
 *   With `arguments.text: 'mixed'`, `big` and `events` fill their text with MIXED (1- to 4-byte
 *   UTF-8 characters and the JSON escapes \n, \", \\ and \u00e9) instead of 'x': same byte
 *   counts, whole characters and escapes only (the last few bytes of a block are 'x').
 *   Streams are flushed with `res.flushHeaders()` first and honour backpressure (wait for
 *   'drain'); anything else gets an empty `{}` result.
 * - GET: 405 (no server-initiated stream); DELETE: 200.
 *
 * Keep-alive stays on for a minute so that pools survive between bench phases; every
 * 'connection' event is counted (that is how the benches count the sockets a bridge opened).
 *
 * It runs in a worker thread (`startMockServer()`), so that serving does not share an event loop
 * with the bench's clients; `serveMock()` runs it in the calling thread (tests, profiling).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export const WRITE_BYTES = 16 * 1024;
export const SESSION_ID = 'bench-session-1';

export interface MockStats {
  /** 'connection' events since the server started. */
  connections: number;
  /** Sockets open right now, and the most open at once since the last `resetPeak`. */
  open: number;
  peakOpen: number;
  /**
   * Distinct sockets that carried a POST since the last `resetPeak`: the connections a burst of
   * requests really used (an idle pooled socket left over from the set-up counts in `peakOpen`).
   */
  postSockets: number;
  posts: number;
  gets: number;
  deletes: number;
  /** POSTs other than initialize that came without the session id. */
  withoutSession: number;
  /** Response body bytes written. */
  bytesOut: number;
}

export interface MockServerHandle {
  url: string;
  stats(): Promise<MockStats>;
  /** Starts a new `peakOpen` and `postSockets` window (the current open count, no POST socket). */
  resetPeak(): Promise<void>;
  close(): Promise<void>;
}

interface ToolCallParams {
  name?: string;
  arguments?: { bytes?: number; eventBytes?: number; text?: TextKind };
}

export type TextKind = 'ascii' | 'mixed';

const FILL = Buffer.alloc(WRITE_BYTES, 0x78); // 'x'

/**
 * One run of real-world tool output as it appears inside a JSON string: the JSON escapes \n, \",
 * \\ and \u00e9, and 1-byte (ASCII), 2-byte (é ö ñ ü ß), 3-byte (CJK, Hangul, €) and 4-byte
 * (emoji, 𝄞) UTF-8 characters: 134 bytes, 16 of them in escapes.
 */
export const MIXED_UNIT = 'Line 1\\n\\"quoted\\" C:\\\\dir caf\\u00e9 héllo wörld ñ ü ß — 日本語のテキスト 中文 한국어 € 🌍🚀🎉 𝄞 end.\\n';

const mixedBlocks = new Map<number, Buffer>();

/** `length` bytes of MIXED_UNIT repeated, whole units only, the rest 'x' (fewer than 132 bytes). */
export function mixedFill(length: number): Buffer {
  let block = mixedBlocks.get(length);
  if (block === undefined) {
    const unit = Buffer.from(MIXED_UNIT, 'utf8');
    block = Buffer.alloc(length, 0x78);
    for (let at = 0; at + unit.length <= length; at += unit.length) unit.copy(block, at);
    mixedBlocks.set(length, block);
  }
  return block;
}

function fillOf(text: TextKind, length: number): Buffer {
  return text === 'mixed' ? mixedFill(length) : length === WRITE_BYTES ? FILL : FILL.subarray(0, length);
}

function idJson(id: unknown): string {
  return JSON.stringify(id ?? null);
}

function smallResult(id: unknown): string {
  return `{"jsonrpc":"2.0","id":${idJson(id)},"result":{"content":[{"type":"text","text":"ok"}],"isError":false}}`;
}

/** Writes, waiting for 'drain' whenever the socket buffer is full; false when the client went away. */
async function writeAll(res: http.ServerResponse, chunk: Buffer | string, stats: MockStats): Promise<boolean> {
  if (res.destroyed) return false;
  stats.bytesOut += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
}

/** One SSE event whose data is a JSON-RPC answer of exactly `bytes` bytes. */
async function bigMessage(res: http.ServerResponse, id: unknown, bytes: number, text: TextKind, stats: MockStats): Promise<void> {
  const head = `{"jsonrpc":"2.0","id":${idJson(id)},"result":{"content":[{"type":"text","text":"`;
  const tail = `"}],"isError":false}}`;
  let fill = Math.max(0, bytes - head.length - tail.length);
  startSse(res);
  if (!(await writeAll(res, `event: message\ndata: ${head}`, stats))) return;
  while (fill > 0) {
    const n = Math.min(fill, WRITE_BYTES);
    if (!(await writeAll(res, fillOf(text, n), stats))) return;
    fill -= n;
  }
  await writeAll(res, `${tail}\n\n`, stats);
  res.end();
}

/** `bytes` of progress events of exactly `eventBytes` each, then the answer. */
async function eventStream(res: http.ServerResponse, id: unknown, bytes: number, eventBytes: number, text: TextKind, stats: MockStats): Promise<void> {
  startSse(res);
  const count = Math.max(1, Math.floor(bytes / eventBytes));
  const token = JSON.stringify(`bench-${String(id)}`);
  for (let i = 0; i < count; i++) {
    // 1e6 + i: a fixed-width number, so every event has the same length.
    const head = `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":${token},"progress":${1_000_000 + i},"message":"`;
    const tail = `"}}\n\n`;
    const event = Buffer.allocUnsafe(eventBytes);
    const at = event.write(head, 0, 'latin1');
    const fillEnd = eventBytes - tail.length;
    if (text === 'mixed') mixedFill(fillEnd - at).copy(event, at);
    else event.fill(0x78, at, fillEnd);
    event.write(tail, fillEnd, 'latin1');
    if (!(await writeAll(res, event, stats))) return;
  }
  await writeAll(res, `event: message\ndata: ${smallResult(id)}\n\n`, stats);
  res.end();
}

function handlePost(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, stats: MockStats): void {
  stats.posts++;
  let msg: { id?: unknown; method?: string; params?: unknown };
  try {
    msg = JSON.parse(body.toString('utf8'));
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    return;
  }
  if (msg.method !== 'initialize' && req.headers['mcp-session-id'] !== SESSION_ID) stats.withoutSession++;
  if (msg.method === undefined || msg.id === undefined) {
    // A notification, or the host's answer to a server request.
    res.writeHead(202);
    res.end();
    return;
  }
  const json = (text: string, headers: http.OutgoingHttpHeaders = {}) => {
    stats.bytesOut += Buffer.byteLength(text);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  if (msg.method === 'initialize') {
    const requested = (msg.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    const result = {
      protocolVersion: typeof requested === 'string' ? requested : '2025-06-18',
      capabilities: { tools: {} },
      serverInfo: { name: 'mcp-rx-bridge-bench-mock', version: '1.0.0' },
    };
    json(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }), { 'Mcp-Session-Id': SESSION_ID });
    return;
  }
  if (msg.method === 'tools/list') {
    const tools = ['json', 'sse', 'big', 'events'].map((name) => ({ name, inputSchema: { type: 'object' } }));
    json(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { tools } }));
    return;
  }
  if (msg.method === 'tools/call') {
    const params = (msg.params ?? {}) as ToolCallParams;
    const args = params.arguments ?? {};
    switch (params.name) {
      case 'json':
        json(smallResult(msg.id));
        return;
      case 'sse': {
        const event = `event: message\ndata: ${smallResult(msg.id)}\n\n`;
        stats.bytesOut += Buffer.byteLength(event);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.end(event);
        return;
      }
      case 'big':
        void bigMessage(res, msg.id, args.bytes ?? 1024 * 1024, args.text ?? 'ascii', stats);
        return;
      case 'events':
        void eventStream(res, msg.id, args.bytes ?? 1024 * 1024, args.eventBytes ?? WRITE_BYTES, args.text ?? 'ascii', stats);
        return;
      default:
        json(smallResult(msg.id));
        return;
    }
  }
  json(`{"jsonrpc":"2.0","id":${idJson(msg.id)},"result":{}}`);
}

/** Runs the mock server in this thread. */
export async function serveMock(port = 0, host = '127.0.0.1'): Promise<{ url: string; server: http.Server; stats: MockStats; resetPeak: () => void }> {
  const stats: MockStats = { connections: 0, open: 0, peakOpen: 0, postSockets: 0, posts: 0, gets: 0, deletes: 0, withoutSession: 0, bytesOut: 0 };
  let postedOn = new WeakSet<object>();
  const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    if (req.method === 'POST') {
      if (!postedOn.has(req.socket)) {
        postedOn.add(req.socket);
        stats.postSockets++;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handlePost(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), stats));
      return;
    }
    req.resume();
    if (req.method === 'GET') {
      stats.gets++;
      res.writeHead(405, { Allow: 'POST, DELETE' });
      res.end();
    } else if (req.method === 'DELETE') {
      stats.deletes++;
      res.writeHead(200);
      res.end();
    } else {
      res.writeHead(405, { Allow: 'GET, POST, DELETE' });
      res.end();
    }
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  server.on('connection', (socket) => {
    stats.connections++;
    stats.open++;
    if (stats.open > stats.peakOpen) stats.peakOpen = stats.open;
    socket.once('close', () => stats.open--);
  });
  server.listen(port, host);
  await once(server, 'listening');
  const { port: actual } = server.address() as AddressInfo;
  const resetPeak = () => {
    stats.peakOpen = stats.open;
    stats.postSockets = 0;
    postedOn = new WeakSet<object>();
  };
  return { url: `http://${host}:${actual}/mcp`, server, stats, resetPeak };
}

type Command = { op: 'stats' | 'resetPeak' | 'close'; seq: number };

/** Starts the mock server in a worker thread. */
export async function startMockServer(): Promise<MockServerHandle> {
  const worker = new Worker(__filename, { workerData: { mockServer: true } });
  const pending = new Map<number, (value: unknown) => void>();
  let seq = 0;
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { url: string }) => resolve(m.url));
  });
  worker.on('message', (m: { seq?: number; value?: unknown }) => {
    if (m.seq !== undefined) {
      pending.get(m.seq)?.(m.value);
      pending.delete(m.seq);
    }
  });
  const ask = <T>(op: Command['op']): Promise<T> =>
    new Promise<T>((resolve) => {
      const n = ++seq;
      pending.set(n, resolve as (value: unknown) => void);
      worker.postMessage({ op, seq: n } satisfies Command);
    });
  return {
    url,
    stats: () => ask<MockStats>('stats'),
    resetPeak: () => ask<void>('resetPeak'),
    close: async () => {
      await ask<void>('close');
      await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as { mockServer?: boolean } | undefined)?.mockServer) {
  void serveMock().then(({ url, server, stats, resetPeak }) => {
    parentPort!.on('message', (cmd: Command) => {
      if (cmd.op === 'stats') parentPort!.postMessage({ seq: cmd.seq, value: { ...stats } });
      else if (cmd.op === 'resetPeak') {
        resetPeak();
        parentPort!.postMessage({ seq: cmd.seq });
      } else {
        server.closeAllConnections();
        server.close(() => parentPort!.postMessage({ seq: cmd.seq }));
      }
    });
    parentPort!.postMessage({ url });
  });
}
