import type { Logger } from '../log/logger';
import { describeNetworkError, errorCode, isRetryableNetworkError, RETRYABLE_STATUSES } from './errors';
import type { HttpRequest, HttpResponse } from './http-types';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /**
   * Keep retrying while the server cannot be reached at all (refused, connect timeout, DNS), not
   * counting those attempts, until the request is aborted (its timeout). For the first
   * initialize: a host that starts the bridge before the server is up still gets its answer.
   */
  patientConnect?: boolean;
}

/** Failures that mean "nobody is listening yet": no request can have reached a handler. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sends a request, again only where that cannot run it twice: after a network failure before any
 * response byte (refused, reset, connect timeout), and after 408/429/502/503/504, statuses by which
 * the server declines without running the request. Backoff is exponential with jitter;
 * Retry-After (seconds or an HTTP date) is honoured. Once a response with any other status
 * arrives it is returned as is: nothing that reached the handler is ever re-sent. When attempts
 * run out, the last response or error stands.
 */
export async function sendWithRetry(
  send: (request: HttpRequest) => Promise<HttpResponse>,
  request: HttpRequest,
  policy: RetryPolicy,
  logger: Logger,
): Promise<HttpResponse> {
  let attempt = 1;
  let unreachable = 0;
  for (;;) {
    let delayMs: number;
    try {
      const res = await send(request);
      if (!RETRYABLE_STATUSES.has(res.status) || attempt >= policy.attempts) return res;
      res.body.discard();
      delayMs = retryAfterMs(res.headers['retry-after']) ?? backoffMs(attempt, policy);
      logger.info(`HTTP ${res.status}: retrying in ${delayMs} ms (attempt ${attempt + 1} of ${policy.attempts})`);
      attempt++;
    } catch (err) {
      if (request.signal.aborted) throw err;
      const code = errorCode(err);
      if (policy.patientConnect && code !== undefined && UNREACHABLE.has(code)) {
        // Not an attempt: the server is not up yet. Poll at most once a second.
        if (unreachable++ === 0) logger.warn(`${describeNetworkError(err)}: waiting for the server to come up`);
        delayMs = Math.min(1000, backoffMs(unreachable, policy));
      } else {
        if (!isRetryableNetworkError(err) || attempt >= policy.attempts) throw err;
        delayMs = backoffMs(attempt, policy);
        logger.info(`${describeNetworkError(err)}: retrying in ${delayMs} ms (attempt ${attempt + 1} of ${policy.attempts})`);
        attempt++;
      }
    }
    await sleep(delayMs, request.signal);
  }
}

/** Exponential backoff with jitter: uniform in [base/2, min(cap, base * 2^(n-1))]. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  const floor = Math.min(ceiling, policy.baseMs / 2);
  return Math.round(floor + Math.random() * (ceiling - floor));
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), capped at one minute. */
export function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - Date.now();
  }
  return Math.max(0, Math.min(ms, 60_000));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
