import type { BackpressureGate } from '../core/backpressure';
import type { SendHttp } from '../http/http-types';
import type { RetryPolicy } from '../http/retry';
import type { Logger } from '../log/logger';
import type { ToolCatalog } from '../protocol/tool-catalog';

/** What every transport client (Streamable HTTP, legacy HTTP+SSE) is configured with. */
export interface ClientOptions {
  /** The endpoint: Streamable HTTP, or the legacy transport's SSE URL (GET). */
  url: string;
  /** User headers (Authorization, --header): sent on every request. */
  headers: Record<string, string>;
  /** Request body encoding setting (see encodeBody). */
  contentType: string;
  /** Response timeout per request, reset by each of its messages; 0 = none. */
  timeoutMs: number;
  maxMessageBytes: number;
  retry: RetryPolicy;
  /** Consulted after each response chunk: stdout backpressure. */
  gate?: BackpressureGate;
  logger: Logger;
  send: SendHttp;
  /** What the tools/list results that passed through said about each tool (shared by the transports). */
  tools?: ToolCatalog;
}
