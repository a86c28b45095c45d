/**
 * The one reconnect policy for event streams that end or drop: a POST's SSE stream resumed with
 * GET + Last-Event-ID, and the GET stream of server-initiated messages. The server's `retry`
 * time (1 s when it gave none) is the base; after `setbacks` failed or empty connections in a row
 * the delay backs off exponentially (1 s × 1.5ⁿ⁻¹, at most 30 s, as the SDK client does); and no
 * delay is ever below 250 ms, so that a server's `retry: 0` cannot turn into a busy loop.
 */
export const RECONNECT = { defaultMs: 1000, floorMs: 250, backoffBaseMs: 1000, factor: 1.5, maxMs: 30_000 } as const;

export function reconnectDelayMs(setbacks: number, serverRetryMs?: number): number {
  const backoff = setbacks > 0 ? Math.min(RECONNECT.backoffBaseMs * RECONNECT.factor ** (setbacks - 1), RECONNECT.maxMs) : 0;
  return Math.max(serverRetryMs ?? RECONNECT.defaultMs, backoff, RECONNECT.floorMs);
}
