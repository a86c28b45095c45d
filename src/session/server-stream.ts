import { EMPTY, Observable, catchError, defer, repeat, retry, tap, throwError, timer, type Subscription } from 'rxjs';
import type { ClassifiedMessage, SseCursor } from '../../operators';
import type { BackpressureGate } from '../core/backpressure';
import type { HttpRequest, SendHttp } from '../http/http-types';
import { mediaTypeOf } from '../http/response-messages';
import type { RetryPolicy } from '../http/retry';
import type { Logger } from '../log/logger';
import { exchange } from './exchange';
import { reconnectDelayMs } from './reconnect';

export interface ServerStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  maxMessageBytes: number;
  gate?: BackpressureGate;
  logger: Logger;
  send: SendHttp;
  onMessage: (message: ClassifiedMessage) => void;
  /** Consecutive failed connects before giving up. */
  maxFailures?: number;
}

/** The server offers no GET stream here (405), or the session it belonged to is gone (404). */
class NoStreamError extends Error {}
/** A connect that failed (network, status, not an event stream): counted toward giving up. */
class ConnectFailedError extends Error {}

/** One attempt per connect: reconnecting is this stream's own loop, not the retry policy's. */
const ONE_ATTEMPT: RetryPolicy = { attempts: 1, baseMs: 0, maxMs: 0 };

/**
 * The GET event stream that carries server-initiated messages (sampling, elicitation, roots,
 * pings, logs, list changes). Reconnects when it ends or drops, with Last-Event-ID when the
 * server gave event ids, after the delay of the one reconnect policy (reconnect.ts): failed
 * connects and connections that ended without a message back off, so a server that accepts and
 * closes at once is not hammered. Stops for good on 405 (the server offers no such stream) and on
 * 404 (the session is gone: the next request recovers it and starts a new stream).
 */
export class ServerStream {
  private subscription: Subscription | undefined;
  private readonly cursor: SseCursor = { lastEventId: '' };
  /** Resolves the promise `start` returned, at the first GET's answer. */
  private firstAnswer: (() => void) | undefined;

  constructor(private readonly options: ServerStreamOptions) {}

  /**
   * Opens the stream; the promise resolves once the first GET was answered (or failed), so that a
   * caller can let other requests go only after the stream is there, as the SDK client does.
   */
  start(): Promise<void> {
    if (this.subscription && !this.subscription.closed) return Promise.resolve();
    this.cursor.lastEventId = '';
    this.cursor.retryMs = undefined;
    return new Promise<void>((resolve) => {
      this.firstAnswer = resolve;
      this.subscription = this.stream().subscribe({ next: (m) => this.options.onMessage(m), complete: resolve, error: resolve });
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.answered();
  }

  /** Connections one after the other, until 404/405 or too many failed connects in a row. */
  private stream(): Observable<ClassifiedMessage> {
    const { logger } = this.options;
    const maxFailures = this.options.maxFailures ?? 8;
    let failures = 0;
    /** Consecutive connections that ended without delivering a message. */
    let quiet = 0;
    let delivered = 0;
    const connection = defer(() => {
      delivered = 0;
      let connected = false;
      return exchange((signal) => this.request(signal), {
        send: this.options.send,
        retry: ONE_ATTEMPT,
        logger,
        maxMessageBytes: this.options.maxMessageBytes,
        gate: this.options.gate,
        cursor: this.cursor,
        failure: (res) => {
          this.answered();
          res.body.discard();
          if (res.status === 405 || res.status === 404) return new NoStreamError(`HTTP ${res.status}`);
          return new ConnectFailedError(`HTTP ${res.status} ${res.headers['content-type'] ?? ''}`.trim());
        },
        accepted: (res) => {
          this.answered();
          if (mediaTypeOf(res.headers['content-type']) !== 'text/event-stream') {
            res.body.discard();
            throw new ConnectFailedError(`HTTP ${res.status} ${res.headers['content-type'] ?? ''}`.trim());
          }
          connected = true;
          failures = 0;
        },
      }).pipe(
        tap(() => delivered++),
        catchError((err: unknown) => {
          this.answered();
          if (err instanceof NoStreamError || !connected) return throwError(() => (err instanceof NoStreamError ? err : new ConnectFailedError((err as Error).message)));
          // A drop after the stream was up: reconnect, as after an end.
          logger.debug(`GET stream dropped: ${(err as Error).message}`);
          return EMPTY;
        }),
      );
    });
    return connection.pipe(
      repeat({
        delay: () => {
          quiet = delivered > 0 ? 0 : quiet + 1;
          return timer(reconnectDelayMs(quiet, this.cursor.retryMs));
        },
      }),
      retry({
        delay: (err: unknown) => {
          if (err instanceof NoStreamError) {
            logger.debug(`GET stream: ${err.message}, no server-initiated stream`);
            return EMPTY;
          }
          failures++;
          logger.debug(`GET stream: ${(err as Error).message}`);
          if (failures >= maxFailures) {
            logger.warn(`GET stream: giving up after ${failures} failed attempts (${(err as Error).message})`);
            return EMPTY;
          }
          return timer(reconnectDelayMs(failures, this.cursor.retryMs));
        },
      }),
    );
  }

  private answered(): void {
    this.firstAnswer?.();
    this.firstAnswer = undefined;
  }

  private request(signal: AbortSignal): HttpRequest {
    const headers: Record<string, string> = { ...this.options.headers(), Accept: 'text/event-stream' };
    if (this.cursor.lastEventId !== '') headers['Last-Event-ID'] = this.cursor.lastEventId;
    return { method: 'GET', url: this.options.url, headers, signal, lane: 'side' };
  }
}
