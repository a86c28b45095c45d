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

class TimedHttpAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly connectTimeoutMs: number,
  ) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    // @ts-expect-error createConnection exists on http.Agent at run time (net.createConnection).
    const socket: Duplex = super.createConnection(options, callback);
    return withConnectTimeout(socket, this.connectTimeoutMs);
  }
}

class TimedHttpsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly connectTimeoutMs: number,
  ) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    // @ts-expect-error createConnection exists on https.Agent at run time (tls.connect).
    const socket: Duplex = super.createConnection(options, callback);
    return withConnectTimeout(socket, this.connectTimeoutMs);
  }
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
    httpAgent: new TimedHttpAgent(pool, options.connectTimeoutMs),
    httpsAgent: new TimedHttpsAgent({ ...pool, ...tls }, options.connectTimeoutMs),
  };
}
