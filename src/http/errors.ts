import { describeNetworkError, errorCode } from '../core/errors';

/** Which failures of one exchange the retry policy may repeat (the error classes live in core/errors.ts). */

/** Node error codes of failures that happen before the server could have sent a byte back. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNECTTIMEOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * Codes of a connection that was never established (refused, connect timeout, DNS, no route): no
 * request can have reached a handler, whatever the request is.
 */
export const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNECTTIMEOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * Statuses after which a repeatable request is sent again. 408, 429 and a 503 with Retry-After say
 * that the server did not process the request, so any request is sent again after them; a
 * gateway's 502/504 and a bare 503 may come after the upstream handler ran, so only a request that
 * is safe to repeat is (see retry-rules.ts).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** True for a network failure before any response byte: the request may be sent again. */
export function isRetryableNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * A network failure after a request that is not safe to repeat may have reached the server (a
 * reset after it was written on a fresh connection, or any failure that ends a request after a
 * stale-socket retry): it was not sent again, and the host must be told that the tool may have run. `code` is the socket error's (errorCode() finds it), `cause`
 * the original error; the message already says what happened, for a mapping that only prints it.
 */
export class MaybeRanError extends Error {
  readonly mayHaveRun = true as const;
  /** The socket error's code (ECONNRESET, EPIPE, ETIMEDOUT, ...), when it had one. */
  readonly code: string | undefined;

  constructor(cause: unknown) {
    super(`${describeNetworkError(cause)}: the request was sent and the server may have run it, so it was not sent again`, { cause });
    this.name = 'MaybeRanError';
    this.code = errorCode(cause);
  }
}

/**
 * True for a MaybeRanError and for a response flagged by sendWithRetry (HttpResponse.mayHaveRun):
 * the error for the host must say the request may have run on the server.
 */
export function mayHaveRun(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { mayHaveRun?: unknown }).mayHaveRun === true;
}
