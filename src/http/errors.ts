import { errorCode } from '../core/errors';

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

/** Statuses by which a server declines a request without running it. */
export const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/** True for a network failure before any response byte: the request may be sent again. */
export function isRetryableNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}
