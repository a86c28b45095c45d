import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small but real MCP Streamable HTTP server (protocol 2025-06-18) on loopback, for `--demo`,
 * `npm run demo` and tests: sessions (Mcp-Session-Id, 404 for an unknown one), JSON and SSE
 * answers, progress notifications, 202 for notifications and responses, 405 for GET, DELETE.
 * Tools: echo, add, countdown (streams progress over SSE).
 */
export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const PROTOCOL_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes the text back',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'add',
    description: 'Adds two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
  {
    name: 'countdown',
    description: 'Counts down from n, one progress notification per step (streamed over SSE)',
    inputSchema: { type: 'object', properties: { n: { type: 'number' }, delayMs: { type: 'number' } } },
  },
];

type Json = Record<string, unknown>;

export async function startDemoServer(port = 0): Promise<DemoServer> {
  const sessions = new Set<string>();
  const server: Server = createServer((req, res) => {
    handle(req, res, sessions).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, sessions: Set<string>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/mcp') return void res.writeHead(404).end();
  const sessionId = req.headers['mcp-session-id'] as string | undefined;
  if (req.method === 'GET') return void res.writeHead(405, { Allow: 'POST, DELETE' }).end();
  if (req.method === 'DELETE') {
    if (sessionId) sessions.delete(sessionId);
    return void res.writeHead(200).end();
  }
  if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST, DELETE' }).end();

  const body = await readBody(req);
  let msg: Json;
  try {
    msg = JSON.parse(body) as Json;
  } catch {
    return sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  }
  if (msg.method === 'initialize') {
    const id = randomUUID();
    sessions.add(id);
    const requested = String((msg.params as Json | undefined)?.protocolVersion ?? '');
    const protocolVersion = PROTOCOL_VERSIONS.includes(requested) ? requested : PROTOCOL_VERSIONS[0];
    return sendJson(
      res,
      200,
      {
        jsonrpc: '2.0',
        id: msg.id,
        result: {
          protocolVersion,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'mcp-rx-bridge-demo', version: '1.0.0' },
          instructions: 'A demo server built into mcp-rx-bridge: try tools echo, add and countdown.',
        },
      },
      { 'Mcp-Session-Id': id },
    );
  }
  if (!sessionId) return sendJson(res, 400, { jsonrpc: '2.0', id: msg.id ?? null, error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' } });
  if (!sessions.has(sessionId)) return sendJson(res, 404, { jsonrpc: '2.0', id: msg.id ?? null, error: { code: -32001, message: 'Session not found' } });
  if (msg.method === undefined || msg.id === undefined) return void res.writeHead(202).end();

  const params = (msg.params ?? {}) as Json;
  switch (msg.method) {
    case 'ping':
      return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, result: {} });
    case 'tools/list':
      return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, result: { tools: TOOLS } });
    case 'tools/call':
      return callTool(res, msg.id, params);
    default:
      return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `Method not found: ${String(msg.method)}` } });
  }
}

async function callTool(res: ServerResponse, id: unknown, params: Json): Promise<void> {
  const args = (params.arguments ?? {}) as Json;
  const text = (t: string) => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: t }] } });
  switch (params.name) {
    case 'echo':
      return sendJson(res, 200, text(`Echo: ${String(args.text ?? '')}`));
    case 'add':
      return sendJson(res, 200, text(String(Number(args.a) + Number(args.b))));
    case 'countdown': {
      const n = Math.max(0, Math.min(100, Number(args.n ?? 3)));
      const delayMs = Math.max(0, Math.min(5000, Number(args.delayMs ?? 200)));
      const progressToken = ((params._meta ?? {}) as Json).progressToken;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      let closed = false;
      res.on('close', () => (closed = true));
      for (let i = n; i > 0 && !closed; i--) {
        if (progressToken !== undefined) {
          res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress: n - i + 1, total: n, message: `${i}…` } })}\n\n`);
        }
        await new Promise((r) => setTimeout(r, delayMs));
      }
      if (!closed) res.end(`data: ${JSON.stringify(text('Liftoff! 🚀'))}\n\n`);
      return;
    }
    default:
      return sendJson(res, 200, { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool: ${String(params.name)}` } });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
