import { Observable, Subject, defer, finalize, from, ignoreElements, merge, map, switchMap, takeWhile, throwError } from 'rxjs';
import { match, P } from 'ts-pattern';
import { idKey, parseSse, type ClassifiedMessage, type JsonRpcId } from '../../operators';
import { isAnswerTo } from '../core/answers';
import type { McpConnection } from '../core/connection';
import { LegacyTransportError, NoResponseError } from '../core/errors';
import { encodeMessageBody } from '../http/request-body';
import { mediaTypeOf, toMessage } from '../http/response-messages';
import { isRepeatable } from '../protocol/repeatable';
import { ToolCatalog } from '../protocol/tool-catalog';
import type { ClientOptions } from './client-options';
import { exchangeResponse } from './exchange';
import { responseTimeout } from './response-timeout';

export type LegacySseClientOptions = ClientOptions;

/**
 * The deprecated HTTP+SSE transport (protocol 2024-11-05): one GET event stream whose first
 * `endpoint` event names the URL to POST messages to (same origin only: a server must not be
 * able to send our credentials elsewhere); every answer arrives on the stream, matched to its
 * request by id. If the stream drops, requests still waiting are failed (the server's session
 * went with it).
 */
export class LegacySseClient implements McpConnection {
  private readonly serverMessages = new Subject<ClassifiedMessage>();
  readonly serverMessages$ = this.serverMessages.asObservable();
  private readonly pending = new Map<string, Subject<ClassifiedMessage>>();
  private endpoint: Promise<string> | undefined;
  private controller: AbortController | undefined;

  private readonly tools: ToolCatalog;

  constructor(private readonly options: LegacySseClientOptions) {
    this.tools = options.tools ?? new ToolCatalog();
  }

  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return match(message)
      .with({ kind: 'request' }, (m) => this.request(m.id, m))
      .with({ kind: P.union('notification', 'response') }, (m) => this.post(m))
      .otherwise(() => throwError(() => new Error('only single JSON-RPC messages can be sent')));
  }

  async close(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    this.endpoint = undefined;
  }

  private request(id: JsonRpcId, m: ClassifiedMessage): Observable<ClassifiedMessage> {
    const key = idKey(id);
    const answers = defer(() => {
      const inbox = new Subject<ClassifiedMessage>();
      this.pending.set(key, inbox);
      return merge(inbox, this.post(m).pipe(ignoreElements())).pipe(
        takeWhile((reply) => !isAnswerTo(reply, id), true),
        finalize(() => {
          if (this.pending.get(key) === inbox) this.pending.delete(key);
        }),
      );
    });
    return answers.pipe(responseTimeout(this.options.timeoutMs));
  }

  /** POSTs one message to the endpoint; the answer (if any) comes on the stream. */
  private post(m: ClassifiedMessage): Observable<never> {
    return defer(() => from(this.connect())).pipe(
      switchMap((endpoint) => {
        const { body, contentType } = encodeMessageBody(m, this.options.contentType, (msg) => (msg.kind === 'invalid' || msg.kind === 'batch' ? undefined : msg.message));
        return exchangeResponse(
          (signal) => ({ method: 'POST', url: endpoint, headers: { ...this.options.headers, 'Content-Type': contentType }, body, signal, repeatable: isRepeatable(m, this.tools) }),
          this.options,
        );
      }),
      // The body of an accepted POST says nothing ("Accepted"): the answer comes on the stream.
      map((res) => res.body.discard()),
      ignoreElements(),
    );
  }

  /** Opens the event stream once and resolves with the POST endpoint from its `endpoint` event. */
  private connect(): Promise<string> {
    if (this.endpoint) return this.endpoint;
    const controller = new AbortController();
    this.controller = controller;
    this.endpoint = new Promise<string>((resolve, reject) => {
      let resolved = false;
      const events = exchangeResponse((signal) => ({ method: 'GET', url: this.options.url, headers: { ...this.options.headers, Accept: 'text/event-stream' }, signal, lane: 'side' }), {
        ...this.options,
        retry: { ...this.options.retry, attempts: 1 },
        accepted: (res) => {
          if (mediaTypeOf(res.headers['content-type']) !== 'text/event-stream') {
            res.body.destroy();
            throw new LegacyTransportError(`GET ${this.options.url} did not answer with an event stream`);
          }
        },
      }).pipe(switchMap((res) => res.body.text(this.options.gate).pipe(parseSse({ maxEventBytes: this.options.maxMessageBytes }))));
      const subscription = events.subscribe({
        next: (event) => {
          if (event.event === 'endpoint') {
            const target = new URL(event.data.trim(), this.options.url);
            if (target.origin !== new URL(this.options.url).origin) {
              controller.abort();
              return reject(new LegacyTransportError(`the server's endpoint ${target.origin} is not on the origin of ${this.options.url}`));
            }
            resolved = true;
            this.options.logger.debug(`legacy SSE endpoint: ${target.toString()}`);
            return resolve(target.toString());
          }
          if (event.event !== undefined && event.event !== 'message') return;
          if (event.data.trim() === '') return;
          try {
            this.route(toMessage(event.data));
          } catch (err) {
            this.options.logger.warn(`legacy SSE stream: ${(err as Error).message}`);
          }
        },
        error: (err: unknown) => this.dropped(err, resolved, reject),
        complete: () => this.dropped(new NoResponseError('the legacy SSE stream ended'), resolved, reject),
      });
      controller.signal.addEventListener('abort', () => subscription.unsubscribe(), { once: true });
    });
    this.endpoint.catch(() => (this.endpoint = undefined));
    return this.endpoint;
  }

  private route(m: ClassifiedMessage): void {
    const inbox = m.kind === 'response' && m.id !== null ? this.pending.get(idKey(m.id)) : undefined;
    if (inbox) inbox.next(m);
    else this.serverMessages.next(m);
  }

  private dropped(err: unknown, resolved: boolean, reject: (err: unknown) => void): void {
    if (!resolved) reject(err);
    this.endpoint = undefined;
    if (this.controller?.signal.aborted) return;
    this.options.logger.warn(`legacy SSE stream closed: ${(err as Error).message}`);
    for (const inbox of this.pending.values()) inbox.error(new NoResponseError('the legacy SSE stream closed before the answer arrived'));
    this.pending.clear();
  }
}


