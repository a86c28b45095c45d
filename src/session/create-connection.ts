import type { McpConnection } from '../bridge/connection';
import type { BridgeConfig } from '../config/config';
import type { BackpressureGate, HttpRequest, HttpResponse } from '../http/http-types';
import type { Logger } from '../log/logger';
import { AutoConnection } from './auto-connection';
import { LegacySseClient } from './legacy-sse-client';
import { StreamableHttpClient } from './streamable-http-client';

/** The transport client that `--transport` asks for. */
export function createConnection(
  config: BridgeConfig,
  gate: BackpressureGate,
  logger: Logger,
  send: (request: HttpRequest) => Promise<HttpResponse>,
): McpConnection {
  const common = {
    url: config.url,
    headers: config.headers,
    contentType: config.contentType,
    timeoutMs: config.timeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    retry: config.retry,
    gate,
    logger,
    send,
  };
  const streamable = () => new StreamableHttpClient({ ...common, resumeAttempts: 3, serverStream: true });
  const legacy = () => new LegacySseClient(common);
  switch (config.transport) {
    case 'streamable-http':
      return streamable();
    case 'sse':
      return legacy();
    case 'auto':
      return new AutoConnection(streamable(), legacy(), logger);
  }
}
