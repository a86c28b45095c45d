import { Observable, type Subscriber, type Subscription } from 'rxjs';
import type { ClassifiedMessage, SseCursor } from '../../operators';
import { isSuccessStatus } from '../core/answers';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';
import type { HttpRequest, HttpResponse, SendHttp } from '../http/http-types';
import { responseMessages, type ReadOptions } from '../http/response-messages';
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
  return exchangeWith<HttpResponse>(build, options, (res, subscriber) => {
    subscriber.next(res);
    subscriber.complete();
    return undefined;
  });
}

/**
 * One exchange as the messages of its body, in the order they arrive (see exchangeResponse and
 * responseMessages). A body left before its end is drained once `done()` (the answer is in) and
 * destroyed otherwise.
 */
export function exchange(build: (signal: AbortSignal) => HttpRequest, options: ExchangeOptions): Observable<ClassifiedMessage> {
  const read: ReadOptions = {
    maxMessageBytes: options.maxMessageBytes,
    gate: options.gate,
    cursor: options.cursor,
    release: (): ReleaseMode => (options.done?.() ? 'drain' : 'destroy'),
  };
  return exchangeWith<ClassifiedMessage>(build, options, (res, subscriber) => responseMessages(res, read).subscribe(subscriber));
}

/**
 * The engine of both: `read` is handed the 2xx response and the subscriber, and returns what
 * carries the exchange on from there. One Observable with the promise handled in it, rather than
 * from(promise) and a switchMap per exchange (and another switchMap for the body's messages):
 * every request goes through here, and each operator is a subscriber built per request. (This,
 * the client's and the bridge's single Observables took RxJS' own CPU in the 10,000-pipelined
 * profile from 111 to 46 µs per request.)
 */
function exchangeWith<T>(
  build: (signal: AbortSignal) => HttpRequest,
  options: ExchangeOptions,
  read: (res: HttpResponse, subscriber: Subscriber<T>) => Subscription | undefined,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const ac = new AbortController();
    let body: HttpResponse['body'] | undefined;
    // A 2xx response or an error arrived: the body's own release (see fromReadable) decides then.
    let settled = false;
    let closed = false;
    let reading: Subscription | undefined;
    const fail = (err: unknown) => {
      settled = true;
      subscriber.error(err);
    };
    sendWithRetry(options.send, build(ac.signal), options.retry, options.logger).then((res) => {
      if (closed) return;
      body = res.body;
      try {
        if (isSuccessStatus(res.status)) {
          settled = true;
          options.accepted?.(res);
          reading = read(res, subscriber);
          // Unsubscribed while `read` emitted: what it started must stop too.
          if (closed) reading?.unsubscribe();
          return;
        }
        const known = options.failure?.(res);
        if (known !== undefined) fail(known);
        else httpStatusError(res).then(fail, fail);
      } catch (err) {
        fail(err);
      }
    }, fail);
    return () => {
      closed = true;
      reading?.unsubscribe();
      if (!settled && !(options.done?.() ?? false)) {
        ac.abort();
        body?.destroy();
      }
    };
  });
}
