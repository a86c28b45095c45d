import type { Logger } from '../log/logger';
import { describeNetworkError, errorCode } from '../core/errors';
import { MaybeRanError, NEVER_CONNECTED_CODES } from './errors';
import type { HttpRequest, HttpResponse } from './http-types';
import { requestLabel } from './request-label';
import { errorVerdict, isRepeatable, statusVerdict } from './retry-rules';

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

/**
 * Sends a request, and again only where that cannot run it twice, by what the request is
 * (`HttpRequest.repeatable`; the table is in retry-rules.ts): a repeatable request after any
 * failure that carries no answer (network failures before a response, 408/429/502/503/504); any
 * other request only when it provably did not run (never connected, not fully written, a stale
 * keep-alive socket once, 408, 429, 503 with Retry-After). Each retry and each refusal is logged
 * at info with its rule. A refusal after which the request may have run is marked: a MaybeRanError
 * is thrown (network), or the response gets `mayHaveRun` (502/503/504). Backoff is exponential
 * with jitter; Retry-After (seconds or an HTTP date) is honoured. When attempts run out, the last
 * response or error stands.
 */
export async function sendWithRetry(
  send: (request: HttpRequest) => Promise<HttpResponse>,
  request: HttpRequest,
  policy: RetryPolicy,
  logger: Logger,
): Promise<HttpResponse> {
  const repeatable = isRepeatable(request);
  let attempt = 1;
  let unreachable = 0;
  let staleRetried = false;
  // After a stale-socket retry, the first attempt may have run after all (see retry-rules.ts): a
  // failure that ends the request then must say so too.
  const final = (res: HttpResponse): HttpResponse => {
    if (staleRetried && res.status >= 300) res.mayHaveRun = true;
    return res;
  };
  const fatal = (err: unknown): unknown => (staleRetried && !(err instanceof MaybeRanError) ? new MaybeRanError(err) : err);
  for (;;) {
    let delayMs: number;
    try {
      const res = await send(request);
      const verdict = statusVerdict(res.status, res.headers['retry-after'], repeatable);
      if (verdict === undefined) return final(res);
      if (!verdict.retry) {
        logger.info(`${verdict.cause}: not retrying ${requestLabel(request)}: ${verdict.rule}`);
        if (verdict.mayHaveRun) res.mayHaveRun = true;
        return res;
      }
      if (attempt >= policy.attempts) return final(res);
      res.body.discard();
      delayMs = retryAfterMs(res.headers['retry-after']) ?? backoffMs(attempt, policy);
      logger.info(`${verdict.cause}: retrying in ${delayMs} ms (attempt ${attempt + 1} of ${policy.attempts}): ${requestLabel(request)}, ${verdict.rule}`);
      attempt++;
    } catch (err) {
      if (request.signal.aborted) throw err;
      const code = errorCode(err);
      if (policy.patientConnect && code !== undefined && NEVER_CONNECTED_CODES.has(code)) {
        // Not an attempt: the server is not up yet. Poll at most once a second.
        if (unreachable++ === 0) logger.warn(`${describeNetworkError(err)}: waiting for the server to come up`);
        delayMs = Math.min(1000, backoffMs(unreachable, policy));
      } else {
        const verdict = errorVerdict(err, repeatable, staleRetried);
        if (verdict === undefined) throw fatal(err);
        if (!verdict.retry) {
          logger.info(`${verdict.cause}: not retrying ${requestLabel(request)}: ${verdict.rule}`);
          throw verdict.mayHaveRun ? new MaybeRanError(err) : fatal(err);
        }
        if (attempt >= policy.attempts) throw fatal(err);
        // The stale-socket race is over at once: the next attempt takes another socket.
        staleRetried ||= verdict.staleSocket === true;
        delayMs = verdict.staleSocket ? 0 : backoffMs(attempt, policy);
        logger.info(`${verdict.cause}: retrying in ${delayMs} ms (attempt ${attempt + 1} of ${policy.attempts}): ${requestLabel(request)}, ${verdict.rule}`);
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
