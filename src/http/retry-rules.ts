import { describeNetworkError, errorCode } from '../core/errors';
import { attemptFactsOf } from './attempt-facts';
import { isRetryableNetworkError, NEVER_CONNECTED_CODES, RETRYABLE_STATUSES } from './errors';
import type { HttpRequest } from './http-types';

/**
 * Whether a failed attempt may be sent again, decided by what the request is (RFC 9110 §9.2.2: a
 * request that is not idempotent is repeated automatically only when it is known not to have been
 * applied). `rule` is the reason, for the info log; `mayHaveRun` marks the refusals after which
 * the host must be told that the tool may have run.
 *
 * | failure                                              | repeatable | other requests          |
 * |------------------------------------------------------|------------|-------------------------|
 * | connection refused / never established (DNS, connect timeout, unreachable) | retry | retry |
 * | request not fully written, no response byte           | retry      | retry                   |
 * | reused keep-alive socket closed before any response byte | retry   | retry once (stale socket) |
 * | reset / timeout after the request was written, fresh socket | retry | no: may have run      |
 * | failure on axios' own adapter (proxy, HTTP/2): cannot tell | retry | no: may have run       |
 * | 408, 429, 503 with Retry-After                        | retry      | retry                   |
 * | 502, 504, 503 without Retry-After                     | retry      | no: may have run        |
 * | any other status                                      | no         | no                      |
 */
export type Verdict = { cause: string; rule: string } & ({ retry: true; staleSocket?: true } | { retry: false; mayHaveRun: boolean });

/** GET and DELETE are idempotent by HTTP's rules; a POST is repeatable only when the caller says. */
export function isRepeatable(request: HttpRequest): boolean {
  return request.repeatable === true || request.method !== 'POST';
}

const SAFE = 'safe to repeat';
const MAY_HAVE_RUN = 'it may have run, and it is not safe to repeat';

/** The verdict on a response, or undefined for a status that is never retried (it is the answer). */
export function statusVerdict(status: number, retryAfter: string | undefined, repeatable: boolean): Verdict | undefined {
  if (!RETRYABLE_STATUSES.has(status)) return undefined;
  const cause = `HTTP ${status}`;
  if (status === 408) return { retry: true, cause, rule: 'the server gave up waiting for the request, so it did not run' };
  if (status === 429) return { retry: true, cause, rule: 'the server declined the request (rate limited), so it did not run' };
  if (status === 503 && retryAfter !== undefined) return { retry: true, cause, rule: 'the server declined the request with Retry-After, so it did not run' };
  if (repeatable) return { retry: true, cause, rule: SAFE };
  const why = status === 503 ? 'a 503 without Retry-After' : `a gateway's ${status}`;
  return { retry: false, mayHaveRun: true, cause, rule: `${why} may come after the request ran: ${MAY_HAVE_RUN}` };
}

/**
 * The verdict on a failure before any response, or undefined for one that is never retried (TLS,
 * DNS name not found, the bridge's own errors). `staleRetried`: the stale-socket rule was used
 * already for this request (it applies once).
 */
export function errorVerdict(err: unknown, repeatable: boolean, staleRetried: boolean): Verdict | undefined {
  if (!isRetryableNetworkError(err)) return undefined;
  const cause = describeNetworkError(err);
  if (repeatable) return { retry: true, cause, rule: SAFE };
  const facts = attemptFactsOf(err);
  const code = errorCode(err)!;
  if ((NEVER_CONNECTED_CODES.has(code) && facts?.written !== true) || (facts !== undefined && !facts.connected)) {
    return { retry: true, cause, rule: 'the connection was never established, so the request was never sent' };
  }
  if (facts === undefined) {
    // axios' own adapter (proxy, HTTP/2): nothing says whether the request went out.
    return { retry: false, mayHaveRun: true, cause, rule: `the request may have been sent (proxy or HTTP/2: the socket is not observed): ${MAY_HAVE_RUN}` };
  }
  if (facts.responseBytes) return { retry: false, mayHaveRun: true, cause, rule: `the server had begun to answer: ${MAY_HAVE_RUN}` };
  if (!facts.written) return { retry: true, cause, rule: 'the request was not fully sent, so it cannot have run' };
  if (facts.reusedSocket && !staleRetried) {
    return {
      retry: true,
      staleSocket: true,
      cause,
      rule: 'a reused keep-alive socket closed before any response byte: the server had closed it while idle (stale socket, retried once)',
    };
  }
  return {
    retry: false,
    mayHaveRun: true,
    cause,
    rule: facts.reusedSocket
      ? `the connection failed again after the request was sent: ${MAY_HAVE_RUN}`
      : `the connection failed after the request was sent on a fresh connection: ${MAY_HAVE_RUN}`,
  };
}
