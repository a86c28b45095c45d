/**
 * The defaults of every setting, in one place: the CLI (flags and environment), the library
 * (`createMcpHttpClient`) and `forwardRequest` all start from these. Durations in milliseconds.
 */
export const DEFAULTS = {
  /** Response timeout per request, reset by each of its messages (MCP_TOOL_CALL_TIMEOUT: 60 s). */
  timeoutMs: 60_000,
  connectTimeoutMs: 15_000,
  /** Requests in flight at once (the reference wrappers' CONCURRENCY). */
  concurrency: 10,
  /** Largest stdin line, SSE event or JSON body. */
  maxMessageBytes: 64 * 1024 * 1024,
  /** Attempts in all (the first included) and backoff bounds for retries that are safe. */
  retry: { attempts: 5, baseMs: 250, maxMs: 8000 },
  /** How often a POST's SSE stream that dropped before its answer is resumed with GET. */
  resumeAttempts: 3,
  /** Idle pooled sockets are closed after this. */
  poolIdleTimeoutMs: 90_000,
  /** Sockets of the library's pool (the CLI uses --concurrency). */
  librarySockets: 16,
  /** After stdin EOF, how long in-flight requests may still finish. */
  shutdownTimeoutMs: 30_000,
  /** After SIGINT/SIGTERM: the grace for in-flight requests (never longer than the shutdown timeout). */
  signalGraceMs: 3000,
  /** How long the best-effort DELETE of the session may take at exit. */
  closeDeadlineMs: 2000,
  contentType: 'application/json',
  transport: 'auto',
  /** Translate between MCP revisions only when host and server share none. */
  protocol: 'auto',
} as const;

/** The User-Agent of every request. */
export function userAgent(version: string): string {
  return `mcp-rx-bridge/${version}`;
}
