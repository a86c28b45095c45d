import type { McpConnection } from '../bridge/connection';
import type { TransportMode } from '../config/config';
import { AutoConnection } from './auto-connection';
import type { ClientOptions } from './client-options';
import { LegacySseClient } from './legacy-sse-client';
import { StreamableHttpClient } from './streamable-http-client';

/** How often a POST's SSE stream that dropped before its answer is resumed. */
const RESUME_ATTEMPTS = 3;

/** The transport client a transport mode asks for (the CLI's --transport, the library's option). */
export function createConnection(transport: TransportMode, options: ClientOptions & { serverStream: boolean }): McpConnection {
  const streamable = () => new StreamableHttpClient({ ...options, resumeAttempts: RESUME_ATTEMPTS });
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
