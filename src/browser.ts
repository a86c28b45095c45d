/**
 * mcp-rx-bridge for browsers (Angular and friends): the same client as in Node, over axios' fetch
 * adapter with streamed bodies. Nothing on this path imports a Node built-in.
 */
import { createClientWith, type McpHttpClient, type McpHttpClientOptions } from './client/mcp-http-client';
import { createFetchTransport } from './http/fetch-transport';

export * from '../operators';
export type { McpHttpClient, McpHttpClientOptions, OutgoingMessage } from './client/mcp-http-client';
export { HttpStatusError, NoResponseError, RequestTimeoutError, UpstreamProtocolError } from './core/errors';

/** An MCP client over fetch (see McpHttpClient). */
export function createMcpHttpClient(options: McpHttpClientOptions): McpHttpClient {
  return createClientWith(createFetchTransport(), options);
}
