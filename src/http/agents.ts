import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

export interface AgentOptions {
  /** Max sockets per origin: the pool the bridge's concurrency runs over. */
  maxSockets: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure: boolean;
}

/** The error a connect that took too long fails with; retryable, as nothing was sent. */
export class ConnectTimeoutError extends Error {
  readonly code = 'ECONNECTTIMEOUT';
  constructor(ms: number) {
    super(`connect timed out after ${ms} ms`);
  }
}

/**
 * Arms a connect timer on each new socket: Node's `timeout` agent option is an idle timeout and
 * would also cut a long-running response, so the connect phase gets its own timer, cleared on
 * 'connect'. Reused keep-alive sockets skip it.
 */
function withConnectTimeout(socket: Duplex, ms: number): Duplex {
  const timer = setTimeout(() => socket.destroy(new ConnectTimeoutError(ms)), ms);
  const clear = () => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
  return socket;
}

/**
 * The agent with its `createConnection` (documented as overridable) wrapped to arm the connect
 * timer: one wrapper for the http and the https agent, whose base classes differ.
 */
function withConnectTimer<A extends http.Agent>(agent: A, ms: number): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    return socket ? withConnectTimeout(socket, ms) : socket;
  };
  return agent;
}

/** Keep-alive agents, one per scheme, carrying the TLS settings (extra CA, client cert, insecure). */
export function createAgents(options: AgentOptions): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const pool: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
    timeout: options.idleTimeoutMs,
    scheduling: 'lifo',
  };
  const tls: https.AgentOptions = { rejectUnauthorized: !options.insecure };
  if (options.caFile) {
    // Added to Node's bundled roots, not in place of them, so public servers keep working.
    tls.ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')];
  }
  if (options.certFile) tls.cert = readFileSync(options.certFile);
  if (options.keyFile) tls.key = readFileSync(options.keyFile);
  return {
    httpAgent: withConnectTimer(new http.Agent(pool), options.connectTimeoutMs),
    httpsAgent: withConnectTimer(new https.Agent({ ...pool, ...tls }), options.connectTimeoutMs),
  };
}
