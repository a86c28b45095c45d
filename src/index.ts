/**
 * mcp-rx-bridge as a library for Node: an MCP server's messages as RxJS Observables, over axios'
 * http adapter (keep-alive pool, TLS options, proxies). Browsers: import 'mcp-rx-bridge/browser'
 * (axios' fetch adapter, no Node built-ins). The stream operators are re-exported.
 */
import { createClientWith, type McpHttpClient, type McpHttpClientOptions } from './client/mcp-http-client';
import { HttpTransport, type HttpTransportOptions } from './http/http-transport';
import { DEFAULTS, userAgent } from './core/defaults';
import { Logger } from './log/logger';
import { packageVersion } from './version';

export * from '../operators';
export type { McpHttpClient, McpHttpClientOptions, OutgoingMessage } from './client/mcp-http-client';
export { createClientWith } from './client/mcp-http-client';
export { Logger, type LoggerOptions, type LogLevel } from './log/logger';
export { HttpStatusError, NoResponseError, RequestTimeoutError, UpstreamProtocolError } from './core/errors';
export type { HttpRequest, HttpResponse, SendHttp } from './http/http-types';
export { createFetchTransport } from './http/fetch-transport';
export { forwardRequest, type ForwardOptions } from './client/forward-request';
export { DEFAULTS } from './core/defaults';

export interface NodeClientOptions extends McpHttpClientOptions {
  /** Node transport settings (TLS, pool, HTTP/2); defaults suit most servers. */
  http?: Partial<Omit<HttpTransportOptions, 'userAgent'>>;
}

/** An MCP client over Node's HTTP stack (see McpHttpClient). */
export function createMcpHttpClient(options: NodeClientOptions): McpHttpClient {
  const logger = options.logger ?? Logger.silent();
  const transport = new HttpTransport(
    {
      maxSockets: DEFAULTS.librarySockets,
      idleTimeoutMs: DEFAULTS.poolIdleTimeoutMs,
      connectTimeoutMs: DEFAULTS.connectTimeoutMs,
      insecure: false,
      http2: false,
      sensitiveHeaders: Object.keys(options.headers ?? {}),
      ...options.http,
      userAgent: userAgent(packageVersion()),
    },
    logger,
  );
  return createClientWith((request) => transport.send(request), { ...options, logger });
}
