import { Observable, from, switchMap, throwError } from 'rxjs';
import type { ClassifiedMessage, SseCursor } from '../../operators';
import { isSuccessStatus } from '../core/answers';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';
import type { HttpRequest, HttpResponse, SendHttp } from '../http/http-types';
import { responseMessages } from '../http/response-messages';
import { sendWithRetry, type RetryPolicy } from '../http/retry';
import type { Logger } from '../log/logger';
import { httpStatusError } from './read-error-body';

/** What one exchange needs besides the request. */
export interface ExchangeOptions {
  send: SendHttp;
  retry: RetryPolicy;
  logger: Logger;
  maxMessageBytes: number;
  gate?: BackpressureGate;
  /** Filled with the SSE stream's last event id and retry time, for resumption. */
  cursor?: SseCursor;
  /**
   * Whether what the caller waits for has arrived: unsubscribing then reads the rest of the body
   * quietly (the keep-alive socket survives) instead of aborting the request.
   */
  done?: () => boolean;
  /**
   * A non-2xx response: return the error it means, or undefined for the default (the status with
   * the first KiB of the body, or the body's JSON-RPC error). The body is the caller's then.
   */
  failure?: (res: HttpResponse) => Error | undefined;
  /** A 2xx response, before its body is read (session id, stream bookkeeping). */
  accepted?: (res: HttpResponse) => void;
}

/**
 * One HTTP exchange, the engine every stream of the bridge runs on (a request's POST, a resumed
 * stream, the GET stream, the legacy transport): the request is sent (again only where the retry
 * policy says it cannot have run), a non-2xx status becomes a typed error, and a 2xx response is
 * emitted for the caller to read. Unsubscribing before `done()` aborts the request and destroys the
 * body (the server sees the connection drop: that is how a cancelled call is stopped upstream).
 */
export function exchangeResponse(build: (signal: AbortSignal) => HttpRequest, options: ExchangeOptions): Observable<HttpResponse> {
  return new Observable<HttpResponse>((subscriber) => {
    const ac = new AbortController();
    let body: HttpResponse['body'] | undefined;
    let finished = false;
    const inner = from(sendWithRetry(options.send, build(ac.signal), options.retry, options.logger))
      .pipe(
        switchMap((res) => {
          body = res.body;
          if (isSuccessStatus(res.status)) {
            options.accepted?.(res);
            return [res];
          }
          const known = options.failure?.(res);
          if (known !== undefined) return throwError(() => known);
          return from(httpStatusError(res)).pipe(switchMap((err) => throwError(() => err)));
        }),
      )
      .subscribe({
        next: (res) => subscriber.next(res),
        error: (err: unknown) => {
          finished = true;
          subscriber.error(err);
        },
        complete: () => {
          finished = true;
          subscriber.complete();
        },
      });
    return () => {
      inner.unsubscribe();
      if (!finished && !(options.done?.() ?? false)) {
        ac.abort();
        body?.destroy();
      }
    };
  });
}

/**
 * One exchange as the messages of its body, in the order they arrive (see exchangeResponse and
 * responseMessages). A body left before its end is drained once `done()` (the answer is in) and
 * destroyed otherwise.
 */
export function exchange(build: (signal: AbortSignal) => HttpRequest, options: ExchangeOptions): Observable<ClassifiedMessage> {
  const release = (): ReleaseMode => (options.done?.() ? 'drain' : 'destroy');
  return exchangeResponse(build, options).pipe(
    switchMap((res) =>
      responseMessages(res, { maxMessageBytes: options.maxMessageBytes, gate: options.gate, cursor: options.cursor, release }),
    ),
  );
}
