import { Observable, Subject, defer, map, merge, type Subscription } from 'rxjs';
import { classifyValue, type ClassifiedMessage, type JsonRpcId, type JsonRpcMessage } from '../../operators';
import { isAnswer, isAnswerTo } from '../core/answers';
import { DEFAULTS } from '../core/defaults';
import type { TransportMode } from '../core/transport-mode';
import type { SendHttp } from '../http/http-types';
import type { RetryPolicy } from '../http/retry';
import { Logger } from '../log/logger';
import { createConnection } from '../session/create-connection';

export interface McpHttpClientOptions {
  /** The server endpoint (Streamable HTTP), or the SSE URL of a legacy server. */
  url: string;
  /** Sent on every request (Authorization and the like). */
  headers?: Record<string, string>;
  /** 'auto' (default) falls back to the legacy HTTP+SSE transport when initialize gets 400/404/405. */
  transport?: TransportMode;
  /** Response timeout per request, reset by each of its messages (ms); 0 = none. Default 60 000. */
  timeoutMs?: number;
  /** Largest message accepted from the server. Default 64 MiB. */
  maxMessageBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Open the GET stream for server-initiated messages after initialization. Default true. */
  serverStream?: boolean;
  logger?: Logger;
}

/** A JSON-RPC request or notification to send; a request without `id` gets one assigned. */
export interface OutgoingMessage {
  method: string;
  params?: unknown;
  id?: JsonRpcId;
}

/**
 * An MCP server as Observables, the way Angular's HttpClient exposes HTTP:
 * - `request(m)`: every message belonging to that request (progress notifications, server
 *   requests made on its stream), then its response (result or JSON-RPC error), then completes.
 *   Transport failures error the Observable with a typed error. Unsubscribing before the
 *   response aborts the HTTP request and sends `notifications/cancelled`.
 * - `notify(m)`: completes once the server accepted the notification (or the host's response).
 * - `messages$`: server-initiated messages (GET stream, or the legacy stream), and answers that
 *   came on a request's stream but carry another id (a server bug: they are not that request's).
 * - `close()`: ends the session (DELETE).
 */
export interface McpHttpClient {
  request(message: OutgoingMessage): Observable<JsonRpcMessage>;
  notify(message: OutgoingMessage | JsonRpcMessage): Observable<never>;
  readonly messages$: Observable<JsonRpcMessage>;
  close(): Promise<void>;
}

/** Builds a client over the given HTTP function (Node: axios http adapter; browser: fetch). */
export function createClientWith(send: SendHttp, options: McpHttpClientOptions): McpHttpClient {
  const logger = options.logger ?? Logger.silent();
  const connection = createConnection(options.transport ?? DEFAULTS.transport, {
    url: options.url,
    headers: options.headers ?? {},
    contentType: DEFAULTS.contentType,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
    retry: { ...DEFAULTS.retry, ...options.retry },
    logger,
    send,
    serverStream: options.serverStream ?? true,
  });
  let nextId = 1;
  /** Answers that arrived on a request's stream with another id: not that request's to emit. */
  const strays = new Subject<ClassifiedMessage>();

  const toClassified = (value: object): ClassifiedMessage => {
    const text = JSON.stringify(value);
    const classified = classifyValue(JSON.parse(text), text);
    if (classified.kind === 'invalid' || classified.kind === 'batch') throw new TypeError(`not a JSON-RPC message: ${text}`);
    return classified;
  };

  return {
    messages$: merge(connection.serverMessages$, strays).pipe(map(messageOf)),
    request(message) {
      return defer(() => {
        const id = message.id ?? nextId++;
        const outgoing = toClassified({ jsonrpc: '2.0', id, method: message.method, ...(message.params === undefined ? {} : { params: message.params }) });
        return new Observable<JsonRpcMessage>((subscriber) => {
          let answered = false;
          const sub: Subscription = connection.send(outgoing).subscribe({
            next: (m) => {
              if (isAnswer(m) && !isAnswerTo(m, id)) {
                logger.warn(`an answer for id ${JSON.stringify(m.id)} came on the stream of request ${JSON.stringify(id)}`);
                strays.next(m);
                return;
              }
              if (isAnswerTo(m, id)) answered = true;
              subscriber.next(messageOf(m));
            },
            error: (err: unknown) => {
              answered = true;
              subscriber.error(err);
            },
            complete: () => {
              answered = true;
              subscriber.complete();
            },
          });
          return () => {
            sub.unsubscribe();
            if (!answered) {
              const cancel = toClassified({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'unsubscribed' } });
              connection.send(cancel).subscribe({ error: (err: unknown) => logger.debug(`cancellation not delivered: ${(err as Error).message}`) });
            }
          };
        });
      });
    },
    notify(message) {
      return defer(() => {
        const outgoing = toClassified('jsonrpc' in message ? message : { jsonrpc: '2.0', ...message });
        return new Observable<never>((subscriber) => connection.send(outgoing).subscribe({ error: (e: unknown) => subscriber.error(e), complete: () => subscriber.complete() }));
      });
    },
    close: () => connection.close(),
  };
}

/** The parsed message (the server side only yields single, valid messages). */
function messageOf(m: ClassifiedMessage): JsonRpcMessage {
  return (m.kind === 'batch' ? m.items : m.kind === 'invalid' ? m.error : m.message) as JsonRpcMessage;
}
