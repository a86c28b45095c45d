import type { ClassifiedMessage, SseCursor } from '../../operators';
import type { Logger } from '../log/logger';
import type { BackpressureGate, HttpRequest, HttpResponse } from '../http/http-types';
import { mediaTypeOf, responseMessages } from '../http/response-messages';

export interface ServerStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  maxMessageBytes: number;
  gate?: BackpressureGate;
  logger: Logger;
  send: (request: HttpRequest) => Promise<HttpResponse>;
  onMessage: (message: ClassifiedMessage) => void;
  /** Consecutive failed connects before giving up. */
  maxFailures?: number;
}

/** Floor on any reconnect delay: a server's `retry: 0` must not turn into a busy loop of GETs. */
const MIN_RECONNECT_MS = 250;
const MAX_BACKOFF_MS = 30_000;

/**
 * The GET event stream that carries server-initiated messages (sampling, elicitation, roots,
 * pings, logs, list changes). Reconnects when it ends or drops, with Last-Event-ID when the
 * server gave event ids, after the server's `retry` time (1 s by default, 250 ms at least), or
 * longer after failed connects and after connections that ended without a message (exponential
 * backoff up to 30 s: a server that accepts and closes at once is not hammered); stops for good
 * on 405 (the server offers no such stream) and on 404 (the session is gone: the next request
 * recovers it and starts a new stream).
 */
export class ServerStream {
  private controller: AbortController | undefined;
  private readonly cursor: SseCursor = { lastEventId: '' };

  constructor(private readonly options: ServerStreamOptions) {}

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.cursor.lastEventId = '';
    this.cursor.retryMs = undefined;
    void this.run(controller.signal).finally(() => {
      if (this.controller === controller) this.controller = undefined;
    });
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const maxFailures = this.options.maxFailures ?? 8;
    let failures = 0;
    /** Consecutive connections that ended without delivering a message. */
    let quiet = 0;
    while (!signal.aborted) {
      const headers: Record<string, string> = { ...this.options.headers(), Accept: 'text/event-stream' };
      if (this.cursor.lastEventId !== '') headers['Last-Event-ID'] = this.cursor.lastEventId;
      let res: HttpResponse;
      try {
        res = await this.options.send({ method: 'GET', url: this.options.url, headers, signal, lane: 'side' });
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        logger.debug(`GET stream: ${(err as Error).message}`);
        if (failures >= maxFailures) return void logger.warn(`GET stream: giving up after ${failures} failed attempts`);
        await this.pause(failures, signal);
        continue;
      }
      if (res.status === 405 || res.status === 404) {
        res.body.discard();
        logger.debug(`GET stream: HTTP ${res.status}, no server-initiated stream`);
        return;
      }
      if (res.status < 200 || res.status >= 300 || mediaTypeOf(res.headers['content-type']) !== 'text/event-stream') {
        res.body.discard();
        failures++;
        if (failures >= maxFailures) return void logger.warn(`GET stream: HTTP ${res.status} ${res.headers['content-type'] ?? ''}; giving up`);
        await this.pause(failures, signal);
        continue;
      }
      failures = 0;
      const delivered = await this.read(res, signal);
      if (signal.aborted) return;
      quiet = delivered > 0 ? 0 : quiet + 1;
      await this.pause(quiet, signal);
    }
  }

  /**
   * Reads one connection to its end and resolves with the number of messages it delivered; a
   * drop is logged and leads to a reconnect.
   */
  private read(res: HttpResponse, signal: AbortSignal): Promise<number> {
    let delivered = 0;
    return new Promise((resolve) => {
      const sub = responseMessages(res, { maxMessageBytes: this.options.maxMessageBytes, gate: this.options.gate, cursor: this.cursor }).subscribe({
        next: (m) => {
          delivered++;
          this.options.onMessage(m);
        },
        error: (err: unknown) => {
          this.options.logger.debug(`GET stream dropped: ${(err as Error).message}`);
          done();
        },
        complete: () => done(),
      });
      const onAbort = () => {
        sub.unsubscribe();
        done();
      };
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(delivered);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Waits before the next connect: the server's `retry` (or 1 s), and after `setbacks` failed or
   * empty connections in a row at least the backoff for that many.
   */
  private pause(setbacks: number, signal: AbortSignal): Promise<void> {
    const backoff = setbacks > 0 ? Math.min(1000 * 1.5 ** (setbacks - 1), MAX_BACKOFF_MS) : 0;
    const ms = Math.max(this.cursor.retryMs ?? 1000, backoff, MIN_RECONNECT_MS);
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
