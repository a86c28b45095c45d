import * as http from 'node:http';
import type * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';

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

/**
 * The https agent of a bridge, made on first use: `https` loads tls and crypto (~20 modules, about
 * 1 MiB of RSS and 5-10 ms at start-up on the machine of the bench), which a bridge talking to an
 * http:// server never needs. nodeHttpAdapter takes the real agent (`httpsAgentOf`); axios'
 * adapter (proxy, --http2) and Node's ClientRequest get this one, which says what an https agent
 * says (protocol, default port, pool and TLS options) and hands each request to the real agent,
 * whose sockets, pool and TLS session cache are the ones used.
 */
export class LazyHttpsAgent extends http.Agent {
  private made?: https.Agent;
  declare protocol: string;
  declare defaultPort: number;

  constructor(
    options: https.AgentOptions,
    private readonly make: () => https.Agent,
  ) {
    super(options);
    this.protocol = 'https:';
    this.defaultPort = 443;
  }

  get real(): https.Agent {
    return (this.made ??= this.make());
  }

  /** Node's ClientRequest hands itself to its agent here (an undocumented but stable hook). */
  addRequest(req: http.ClientRequest, options: unknown): void {
    (this.real as unknown as { addRequest(req: http.ClientRequest, options: unknown): void }).addRequest(req, options);
  }

  override destroy(): void {
    this.made?.destroy();
    super.destroy();
  }
}

/** The agent to give `https.request`: the real one behind a LazyHttpsAgent. */
export function httpsAgentOf(agent: unknown): https.Agent | undefined {
  return agent instanceof LazyHttpsAgent ? agent.real : (agent as https.Agent | undefined);
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
  // The files are read now, so that a missing one is reported at start as before.
  const tls: https.AgentOptions = { rejectUnauthorized: !options.insecure };
  const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
  if (options.certFile) tls.cert = readFileSync(options.certFile);
  if (options.keyFile) tls.key = readFileSync(options.keyFile);
  const make = (): https.Agent => {
    // Loaded here, not at the top: see LazyHttpsAgent.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Agent } = require('node:https') as typeof https;
    const secure: https.AgentOptions = { ...pool, ...tls };
    // Added to Node's bundled roots, not in place of them, so public servers keep working.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (ca !== undefined) secure.ca = [...(require('node:tls') as typeof import('node:tls')).rootCertificates, ca];
    return withConnectTimer(new Agent(secure), options.connectTimeoutMs);
  };
  return {
    httpAgent: withConnectTimer(new http.Agent(pool), options.connectTimeoutMs),
    // With --ca-file the server is an https one: its agent is made now (and LazyHttpsAgent's
    // options never need the bundled roots, which axios' proxy tunnel would read from them).
    httpsAgent: ca !== undefined ? make() : (new LazyHttpsAgent({ ...pool, ...tls }, make) as unknown as https.Agent),
  };
}
