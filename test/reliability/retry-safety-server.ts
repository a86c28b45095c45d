/**
 * A loopback MCP server for the retry-safety suites (not a test file): it counts how many times
 * each JSON-RPC id was *executed* (the handler "ran the tool"), so that a test can assert that no
 * request that is not safe to repeat ran twice, whatever the fault.
 *
 * Faults are taken per POST arrival: from a script (unit tests, one request at a time; decided
 * before the body is read, so that a reset can really come before it) or from a `decide`
 * function (soak; decided after the body is read, on tools/call only).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Runs, answers 200 with a JSON result. */
  | 'ok'
  /** Runs, then a gateway-style status: the request did run, the client cannot know. */
  | 'run-then-502'
  | 'run-then-504'
  | 'run-then-503'
  /** Declines without running. */
  | 'declined-503-retry-after'
  | 'declined-503'
  | 'declined-429'
  | 'declined-408'
  /** Resets the connection (RST) before the body is read: does not run. */
  | 'reset-before-body'
  /** Reads the body, runs, then drops the connection without writing a byte. */
  | 'reset-after-body';

export const FAULTS: readonly Fault[] = [
  'ok',
  'run-then-502',
  'run-then-504',
  'run-then-503',
  'declined-503-retry-after',
  'declined-503',
  'declined-429',
  'declined-408',
  'reset-before-body',
  'reset-after-body',
];

export interface Arrival {
  /** 1-based count of POSTs so far. */
  arrival: number;
  /** The connection had carried an earlier request (keep-alive reuse). */
  reused: boolean;
  method?: string;
  id?: string | number;
  /** The tool of a tools/call. */
  tool?: string;
}

export interface RetrySafetyServer {
  url: string;
  /** Executions per id key (`idKey`). */
  executions: Map<string, number>;
  executed(id: string | number): number;
  /** Every POST with its fault, in arrival order. */
  log: Array<Arrival & { fault: Fault }>;
  /**
   * Ids whose execution ended with 'reset-after-body' on a reused connection: at the socket level
   * that is exactly the stale keep-alive race, the one case the retry rules re-send once.
   */
  ambiguousDrops: Set<string>;
  /** Faults for the next POSTs, in order; 'ok' once used up (unless `decide` is set). */
  script(...faults: Fault[]): void;
  decide?: (arrival: Arrival) => Fault;
  /** False: every response says `Connection: close`, so each request goes on a fresh connection. */
  keepAlive: boolean;
  /**
   * Closes every idle keep-alive connection now, as a keepAliveTimeout would (the server side of
   * the stale-socket race): connections that served a request and carry none now. Not a
   * connection just accepted whose first request has not arrived yet, as server.closeIdleConnections
   * would: no keep-alive timer cuts that one.
   */
  closeIdleConnections(): void;
  close(): Promise<void>;
}

export const idKey = (id: unknown) => (typeof id === 'number' ? `n:${id}` : `s:${String(id)}`);

const TOOLS = [
  { name: 'write', description: 'not annotated: may not be repeated', inputSchema: { type: 'object' } },
  { name: 'read', description: 'read-only', annotations: { readOnlyHint: true }, inputSchema: { type: 'object' } },
  { name: 'put', description: 'idempotent', annotations: { idempotentHint: true }, inputSchema: { type: 'object' } },
];

export async function startRetrySafetyServer(): Promise<RetrySafetyServer> {
  const executions = new Map<string, number>();
  const queue: Fault[] = [];
  const requestsOn = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  /** Sockets with a request in progress (from its arrival to the end of its response). */
  const busy = new Set<Socket>();
  let arrivals = 0;

  const self: RetrySafetyServer = {
    url: '',
    executions,
    executed: (id) => executions.get(idKey(id)) ?? 0,
    log: [],
    ambiguousDrops: new Set(),
    script: (...faults) => void queue.push(...faults),
    keepAlive: true,
    closeIdleConnections: () => {
      for (const s of sockets) if (!busy.has(s) && (requestsOn.get(s) ?? 0) > 0) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const run = (id: unknown) => {
    if (id === undefined) return;
    const key = idKey(id);
    executions.set(key, (executions.get(key) ?? 0) + 1);
  };

  const server: Server = createServer((raw: IncomingMessage, res: ServerResponse) => {
    const socket = raw.socket;
    const served = requestsOn.get(socket) ?? 0;
    requestsOn.set(socket, served + 1);
    if (!self.keepAlive) res.setHeader('Connection', 'close');
    busy.add(socket);
    res.on('close', () => busy.delete(socket));
    if (raw.method === 'GET') {
      res.writeHead(405, { Allow: 'POST, DELETE' }).end();
      return;
    }
    if (raw.method !== 'POST') {
      res.writeHead(200).end();
      return;
    }
    const arrival: Arrival = { arrival: ++arrivals, reused: served > 0 };
    const scripted = queue.shift();
    if (scripted === 'reset-before-body') {
      self.log.push({ ...arrival, fault: scripted });
      socket.resetAndDestroy();
      return;
    }
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string | number; method?: string; params?: { name?: string } };
      arrival.method = message.method;
      arrival.id = message.id;
      arrival.tool = message.params?.name;
      const fault: Fault = scripted ?? (self.decide && message.method === 'tools/call' ? self.decide(arrival) : 'ok');
      self.log.push({ ...arrival, fault });
      respond(fault, message, arrival, res, socket);
    });
  });

  function respond(fault: Fault, message: { id?: string | number; method?: string }, arrival: Arrival, res: ServerResponse, socket: Socket): void {
    const text = (status: number, body: string, headers: Record<string, string> = {}): void =>
      void res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
    switch (fault) {
      case 'ok':
        run(message.id);
        return answer(res, message);
      case 'run-then-502':
        run(message.id);
        return text(502, 'bad gateway (the upstream ran it)');
      case 'run-then-504':
        run(message.id);
        return text(504, 'gateway timeout (the upstream ran it)');
      case 'run-then-503':
        run(message.id);
        return text(503, 'unavailable (after running it)');
      case 'declined-503-retry-after':
        return text(503, 'busy', { 'Retry-After': '0' });
      case 'declined-503':
        return text(503, 'busy');
      case 'declined-429':
        return text(429, 'slow down', { 'Retry-After': '0' });
      case 'declined-408':
        return text(408, 'request timeout', { Connection: 'close' });
      case 'reset-before-body':
        // Soak mode: the body was read, but nothing ran; the client sees a reset without a byte.
        socket.resetAndDestroy();
        return;
      case 'reset-after-body':
        run(message.id);
        if (arrival.reused && message.id !== undefined) self.ambiguousDrops.add(idKey(message.id));
        socket.destroy();
        return;
    }
  }

  function answer(res: ServerResponse, message: { id?: string | number; method?: string }): void {
    if (message.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const result =
      message.method === 'initialize'
        ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'retry-safety', version: '1' } }
        : message.method === 'tools/list'
          ? { tools: TOOLS }
          : message.method === 'tools/call'
            ? { content: [{ type: 'text', text: 'ran' }] }
            : {};
    const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  }

  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  return self;
}
