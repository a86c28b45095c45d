import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Streamable HTTP MCP endpoint on 127.0.0.1 for the package test, reachable from another origin
 * (CORS, as a browser app calls it). It holds a session: initialize hands out an Mcp-Session-Id,
 * and every later request without it gets 400, so a client that skipped the handshake fails.
 * Tools (answered as SSE): 'quick' (one progress, then the result), 'slow' (one progress, then the
 * result only once release() is called), 'forever' (progress every 100 ms until the client goes).
 */
export interface ToolCall {
  id: number | string;
  name: string;
  progressSent: number;
  resultSent: boolean;
  /** The client closed the response stream (an abort, for a call that never ends). */
  closed: boolean;
}

export interface TestMcpServer {
  url: string;
  calls: ToolCall[];
  /** Methods of every JSON-RPC message received, in order. */
  methods: string[];
  cancelled: unknown[];
  deletes: number;
  /** Lets the 'slow' calls send their results. */
  release(): void;
  close(): Promise<void>;
}

const SESSION = 'package-test-session';
export const TEXT = 'héllo 🌍 日本';

export async function startMcpServer(): Promise<TestMcpServer> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls: ToolCall[] = [];
  const methods: string[] = [];
  const cancelled: unknown[] = [];
  let deletes = 0;

  const cors = (req: IncomingMessage) => ({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'content-type, accept, mcp-session-id, mcp-protocol-version',
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Expose-Headers': 'mcp-session-id',
  });
  const sse = (message: object) => `data: ${JSON.stringify(message)}\n\n`;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors(req)).end();
    if (req.method === 'GET') return void res.writeHead(405, cors(req)).end();
    if (req.method === 'DELETE') {
      deletes++;
      return void res.writeHead(200, cors(req)).end();
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const msg = JSON.parse(body) as { id?: number | string; method?: string; params?: { name?: string; [k: string]: unknown } };
      methods.push(msg.method ?? '(answer)');
      if (msg.method === 'initialize') {
        const answer = { jsonrpc: '2.0', id: msg.id, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'package-test', version: '1' } } };
        return void res.writeHead(200, { ...cors(req), 'Content-Type': 'application/json', 'Mcp-Session-Id': SESSION }).end(JSON.stringify(answer));
      }
      if (req.headers['mcp-session-id'] !== SESSION) {
        const error = { jsonrpc: '2.0', id: msg.id ?? null, error: { code: -32600, message: 'no session: initialize first' } };
        return void res.writeHead(400, { ...cors(req), 'Content-Type': 'application/json' }).end(JSON.stringify(error));
      }
      if (msg.id === undefined) {
        if (msg.method === 'notifications/cancelled') cancelled.push(msg.params);
        return void res.writeHead(202, cors(req)).end();
      }
      if (msg.method !== 'tools/call') {
        const error = { jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `no method ${msg.method}` } };
        return void res.writeHead(200, { ...cors(req), 'Content-Type': 'application/json' }).end(JSON.stringify(error));
      }
      const call: ToolCall = { id: msg.id, name: String(msg.params?.name), progressSent: 0, resultSent: false, closed: false };
      calls.push(call);
      res.writeHead(200, { ...cors(req), 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      res.on('close', () => (call.closed = true));
      const progress = () => {
        call.progressSent++;
        res.write(sse({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: call.name, progress: call.progressSent, message: TEXT } }));
      };
      const result = () => {
        call.resultSent = true;
        res.end(sse({ jsonrpc: '2.0', id: msg.id, result: { content: [{ type: 'text', text: `${call.name}: ${TEXT}` }] } }));
      };
      if (call.name === 'quick') {
        progress();
        setTimeout(result, 20);
      } else if (call.name === 'slow') {
        progress();
        void gate.then(() => setTimeout(result, 20));
      } else {
        const timer = setInterval(progress, 100);
        res.on('close', () => clearInterval(timer));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    calls,
    methods,
    cancelled,
    get deletes() {
      return deletes;
    },
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
