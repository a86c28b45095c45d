import type { McpConnection } from '../core/connection';
import { DEFAULTS } from '../core/defaults';
import type { TransportMode } from '../core/transport-mode';
import { ToolCatalog } from '../protocol/tool-catalog';
import { AutoConnection } from './auto-connection';
import type { ClientOptions } from './client-options';
import { LegacySseClient } from './legacy-sse-client';
import { StreamableHttpClient } from './streamable-http-client';

/** The transport client a transport mode asks for (the CLI's --transport, the library's option). */
export function createConnection(transport: TransportMode, given: ClientOptions & { serverStream: boolean }): McpConnection {
  // One catalog of the server's tools, whichever transport ends up carrying the traffic.
  const options = { ...given, tools: given.tools ?? new ToolCatalog() };
  const streamable = () => new StreamableHttpClient({ ...options, resumeAttempts: DEFAULTS.resumeAttempts });
  const legacy = () => new LegacySseClient(options);
  switch (transport) {
    case 'streamable-http':
      return streamable();
    case 'sse':
      return legacy();
    case 'auto':
      return new AutoConnection(streamable(), legacy(), options.logger);
  }
}
