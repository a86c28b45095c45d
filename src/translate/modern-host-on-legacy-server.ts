import { EMPTY, Observable, Subject, catchError, concat, defer, filter, finalize, ignoreElements, map, merge, mergeMap, of, shareReplay, switchMap, takeUntil, throwError, Subscription } from 'rxjs';
import { match, P } from 'ts-pattern';
import { ErrorCode, idKey, type ClassifiedMessage } from '../../operators';
import { isAnswerTo } from '../core/answers';
import type { McpConnection } from '../core/connection';
import type { Logger } from '../log/logger';
import { FIRST_MODERN_VERSION, META } from '../protocol/meta';
import { INPUT_METHODS, UpstreamCall, retryOf, type CallHooks } from './modern-host-calls';
import { CHANGE_METHODS, acknowledged, honoredFilter, requestedFilter, tagged, wants } from './modern-host-listen';
import {
  NEWEST_LEGACY_VERSION,
  UNKNOWN_CLIENT,
  UpstreamRpcError,
  answerHost,
  bodyOf,
  discoverResult,
  isObject,
  legacyParams,
  legacyServerOf,
  metaOf,
  notification,
  paramsOf,
  request,
  responseTo,
  type AnswerBody,
  type LegacyServer,
  type Notification,
  type Params,
  type Request,
} from './modern-host-messages';

export interface ModernHostOnLegacyServerOptions {
  /** How long a call parked on input requests waits for the host's retry (default 5 minutes). */
  parkTimeoutMs?: number;
  /** How long server requests that arrive together are collected into one InputRequiredResult (default 20 ms). */
  collectMs?: number;
  /** The handshake revision asked of the server (default 2025-11-25). */
  protocolVersion?: string;
}

const DEFAULT_PARK_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_COLLECT_MS = 20;

/**
 * A 2026-07-28 host (stateless, per-request `_meta`) on a server that speaks only the 2025
 * revisions (initialize handshake, session, server→client requests), over `inner`, the 2025
 * session machinery (Streamable HTTP, or HTTP+SSE). The host sees a 2026-07-28 server:
 * - its first request runs `initialize` (with the clientInfo/capabilities of that request's
 *   `_meta`) and `notifications/initialized` upstream, once; later requests wait for them;
 *   `server/discover` is answered from the `initialize` result;
 * - every other request goes on the session without the 2026 `_meta` keys; a `_meta` log level
 *   becomes one `logging/setLevel` when it changes;
 * - server requests during a call become `input_required` answers while the upstream call stays
 *   open; the host's retry answers them and continues the call (modern-host-calls.ts);
 * - `subscriptions/listen` is the session's GET stream plus `resources/subscribe`, filtered and
 *   tagged with the subscription id (modern-host-listen.ts).
 */
export class ModernHostOnLegacyServer implements McpConnection {
  /** Server messages for the host outside any request (logging, unknown notifications). */
  private readonly toHost = new Subject<ClassifiedMessage>();
  readonly serverMessages$: Observable<ClassifiedMessage> = this.toHost.asObservable();
  /** The 2025 server's change notifications, for the listen streams. */
  private readonly changes$ = new Subject<Notification>();
  /** Ends every listen stream gracefully (close()). */
  private readonly closing$ = new Subject<void>();
  private handshake$: Observable<LegacyServer> | undefined;
  /** Calls by requestState, for the host's retries. */
  private readonly calls = new Map<string, UpstreamCall>();
  /** Open calls that may take server requests from the GET stream, oldest first. */
  private readonly open = new Set<UpstreamCall>();
  /** How many listen streams want each resource URI: subscribed upstream while any does. */
  private readonly uriRefs = new Map<string, number>();
  /** The log level last set upstream. */
  private logLevel: string | undefined;
  private upstreamIds = 0;
  private readonly dispatcher: Subscription;
  private readonly background = new Set<Subscription>();
  private readonly parkTimeoutMs: number;
  private readonly collectMs: number;
  private readonly protocolVersion: string;
  private closed = false;

  constructor(
    private readonly inner: McpConnection,
    private readonly logger: Logger,
    options: ModernHostOnLegacyServerOptions = {},
  ) {
    this.parkTimeoutMs = options.parkTimeoutMs ?? DEFAULT_PARK_TIMEOUT_MS;
    this.collectMs = options.collectMs ?? DEFAULT_COLLECT_MS;
    this.protocolVersion = options.protocolVersion ?? NEWEST_LEGACY_VERSION;
    // Subscribed at once, whoever reads serverMessages$: server requests must reach their call.
    this.dispatcher = inner.serverMessages$.subscribe((m) => this.fromServer(m));
  }

  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return match(message)
      .with({ kind: 'request', method: 'server/discover' }, (r) => this.afterHandshake(r, (server) => of(answerHost(r, { result: discoverResult(server, FIRST_MODERN_VERSION) }))))
      .with({ kind: 'request', method: 'subscriptions/listen' }, (r) => this.afterHandshake(r, (server) => this.listen(r, server)))
      .with({ kind: 'request' }, (r) => this.afterHandshake(r, (server) => this.call(r, server)))
      .with({ kind: 'notification', method: 'notifications/cancelled' }, (n) => this.cancelFromHost(n))
      .with({ kind: P.union('notification', 'response') }, (m) => this.oneWay(m))
      .with({ kind: P.union('batch', 'invalid') }, () => throwError(() => new Error('only single JSON-RPC messages can be sent')))
      .exhaustive();
  }

  /** Ends the listen streams, aborts parked calls, and closes the session (DELETE). */
  async close(deadlineMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing$.next();
    for (const call of [...this.calls.values()]) call.abort('the bridge is closing');
    this.dispatcher.unsubscribe();
    await this.inner.close(deadlineMs);
    for (const s of this.background) s.unsubscribe();
  }

  // ---- handshake ---------------------------------------------------------------------------

  /** Runs `run` once the 2025 session is up; a refused handshake answers the request with its error. */
  private afterHandshake(r: Request, run: (server: LegacyServer) => Observable<ClassifiedMessage>): Observable<ClassifiedMessage> {
    return this.handshake(r).pipe(
      switchMap(run),
      catchError((err: unknown) => (err instanceof UpstreamRpcError ? of(answerHost(r, { error: err.error })) : throwError(() => err))),
    );
  }

  /**
   * `initialize` then `notifications/initialized`, once, with the identity the host's first
   * request carries (a 2026 host declares it on every request). A failed handshake is tried again
   * by the next request.
   */
  private handshake(first: Request): Observable<LegacyServer> {
    this.handshake$ ??= defer(() => {
      const meta = metaOf(first);
      const params = {
        protocolVersion: this.protocolVersion,
        capabilities: isObject(meta[META.clientCapabilities]) ? meta[META.clientCapabilities] : {},
        clientInfo: meta[META.clientInfo] ?? UNKNOWN_CLIENT,
      };
      this.logger.info(`2026-07-28 host on a 2025 server: initializing a ${this.protocolVersion} session`);
      return this.upstream('initialize', params);
    }).pipe(
      map(legacyServerOf),
      // The inner client opens the GET stream once the server accepted notifications/initialized.
      switchMap((server) => concat(this.inner.send(notification('notifications/initialized')).pipe(ignoreElements()), of(server))),
      catchError((err: unknown) => {
        this.handshake$ = undefined;
        return throwError(() => err);
      }),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    return this.handshake$;
  }

  // ---- calls -------------------------------------------------------------------------------

  /** A host request: a retry continues its parked call, anything else starts an upstream call. */
  private call(r: Request, server: LegacyServer): Observable<ClassifiedMessage> {
    const retry = retryOf(r);
    if (retry !== undefined) return this.retry(r, retry.requestState, retry.inputResponses);
    return defer(() => {
      const upstreamId = this.nextId();
      const token = `rx-mrtr:${globalThis.crypto.randomUUID()}`;
      const call = new UpstreamCall(token, upstreamId, r.method, r, this.callHooks, { collectMs: this.collectMs, parkTimeoutMs: this.parkTimeoutMs });
      this.calls.set(token, call);
      this.open.add(call);
      const forward = request(upstreamId, r.method, legacyParams(paramsOf(r)));
      call.start(concat(this.setLogLevel(r, server), this.inner.send(forward)));
      return call.firstLeg(r);
    });
  }

  /** The host's MRTR retry: answers the parked call's server requests and continues it. */
  private retry(r: Request, requestState: string, inputResponses: Record<string, unknown>): Observable<ClassifiedMessage> {
    return defer(() => {
      const call = this.calls.get(requestState);
      if (call === undefined || call.busy || call.method !== r.method) {
        const why = call === undefined ? 'unknown or expired' : call.busy ? 'already being retried' : `issued for ${call.method}`;
        return of(answerHost(r, { error: { code: ErrorCode.InvalidParams, message: `Invalid params: requestState is ${why}` } }));
      }
      this.logger.debug(`retry ${JSON.stringify(r.id)} continues upstream request ${call.upstreamId}`);
      return call.retryLeg(r, inputResponses);
    });
  }

  private readonly callHooks: CallHooks = {
    answerServer: (id, body) => this.inner.send(responseTo(id, body)).pipe(ignoreElements()),
    cancelUpstream: (call, reason) => {
      // A 2025 server learns of a cancellation only by this notification (closing the stream is not one).
      this.background$(this.inner.send(notification('notifications/cancelled', { requestId: call.upstreamId, reason })), `cancellation of ${call.upstreamId}`);
    },
    settled: (call) => {
      this.calls.delete(call.token);
      this.open.delete(call);
    },
    log: (message) => this.logger.info(message),
  };

  /** A `_meta` log level that differs from the one set: one `logging/setLevel` before the request. */
  private setLogLevel(r: Request, server: LegacyServer): Observable<never> {
    const level = metaOf(r)[META.logLevel];
    if (typeof level !== 'string' || level === this.logLevel || !isObject(server.capabilities.logging)) return EMPTY;
    this.logLevel = level;
    return this.upstream('logging/setLevel', { level }).pipe(
      ignoreElements(),
      catchError((err: unknown) => {
        this.logger.warn(`logging/setLevel ${level} failed: ${(err as Error).message}`);
        return EMPTY;
      }),
    );
  }

  /**
   * The host cancels one of its requests. The bridge has already unsubscribed it (which aborts the
   * call and tells the server); this covers a cancellation that reaches us as a message.
   */
  private cancelFromHost(n: Notification): Observable<ClassifiedMessage> {
    const requestId = paramsOf(n)?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return EMPTY;
    const key = idKey(requestId);
    for (const call of this.calls.values()) if (call.hostId !== undefined && idKey(call.hostId) === key) call.abort('the host cancelled the request');
    return EMPTY;
  }

  /** A host notification (or answer) on the session, once the handshake is done; dropped before any. */
  private oneWay(m: ClassifiedMessage): Observable<ClassifiedMessage> {
    if (this.handshake$ === undefined) {
      this.logger.debug(`${m.kind} before any request of the host: not forwarded (no session yet)`);
      return EMPTY;
    }
    const legacy = m.kind === 'notification' ? notification(m.method, legacyParams(paramsOf(m))) : m;
    return this.handshake$.pipe(switchMap(() => this.inner.send(legacy)));
  }

  // ---- server messages outside calls ---------------------------------------------------------

  /** A message from the GET stream: a call's server request, a change, or something for the host. */
  private fromServer(m: ClassifiedMessage): void {
    match(m)
      .with({ kind: 'request' }, (r) => this.serverRequest(r))
      .with({ kind: 'notification' }, (n) => (CHANGE_METHODS.has(n.method) ? this.changes$.next(n) : this.toHost.next(n)))
      .otherwise((other) => this.toHost.next(other));
  }

  /**
   * A server request on the GET stream: taken as the most recent open call's when one can answer
   * `input_required` (a 2025 server may send it unrelated to the call's stream); otherwise the
   * host cannot be asked at all (2026 has no server→client requests), so the translator answers.
   */
  private serverRequest(r: Request): void {
    const call = INPUT_METHODS.has(r.method) ? [...this.open].reverse().find((c) => c.acceptsInput) : undefined;
    if (call !== undefined) return call.push(r);
    const body: AnswerBody =
      r.method === 'ping'
        ? { result: {} }
        : { error: { code: ErrorCode.MethodNotFound, message: `${r.method} outside a request cannot reach a 2026-07-28 client` } };
    if (r.method !== 'ping') this.logger.info(`server request ${r.method} (id ${JSON.stringify(r.id)}) outside any call: refused`);
    this.background$(this.inner.send(responseTo(r.id, body)), `answer to server request ${JSON.stringify(r.id)}`);
  }

  // ---- subscriptions/listen ------------------------------------------------------------------

  /**
   * A listen stream: `resources/subscribe` for its URIs (shared between streams), then the
   * acknowledgement (after the subscriptions, so that a change made right after the host saw it
   * is delivered), then the matching changes, until the host leaves (unsubscribing) or close()
   * ends it with a result.
   */
  private listen(r: Request, server: LegacyServer): Observable<ClassifiedMessage> {
    return defer(() => {
      const subscriptionId = r.id;
      const wanted = honoredFilter(requestedFilter(r.message.params), server.capabilities);
      const uris = wanted.resourceSubscriptions ?? [];
      const changes = this.changes$.pipe(
        filter((n) => wants(wanted, n)),
        map((n): ClassifiedMessage => tagged(n, subscriptionId)),
      );
      const end = of(answerHost(r, { result: { resultType: 'complete', _meta: { [META.subscriptionId]: subscriptionId } } }));
      return merge(
        concat(this.subscribeAll(uris), of(acknowledged(wanted, subscriptionId))),
        // Changes are watched from the start: none is lost between the subscription and the acknowledgement.
        changes,
      ).pipe(
        bufferUntilFirst(),
        takeUntil(this.closing$),
        (stream) => concat(stream, end),
        finalize(() => this.unsubscribeAll(uris)),
      );
    });
  }

  private subscribeAll(uris: string[]): Observable<never> {
    const first = uris.filter((uri) => {
      const count = (this.uriRefs.get(uri) ?? 0) + 1;
      this.uriRefs.set(uri, count);
      return count === 1;
    });
    return merge(...first.map((uri) => this.upstream('resources/subscribe', { uri }))).pipe(ignoreElements());
  }

  private unsubscribeAll(uris: string[]): void {
    for (const uri of uris) {
      const count = (this.uriRefs.get(uri) ?? 1) - 1;
      if (count > 0) {
        this.uriRefs.set(uri, count);
        continue;
      }
      this.uriRefs.delete(uri);
      if (!this.closed) this.background$(this.upstream('resources/unsubscribe', { uri }), `resources/unsubscribe ${uri}`);
    }
  }

  // ---- upstream plumbing ---------------------------------------------------------------------

  /** One request of the translator's own: its result, or UpstreamRpcError for an error answer. */
  private upstream(method: string, params: Params): Observable<unknown> {
    return defer(() => {
      const req = request(this.nextId(), method, params);
      return this.inner.send(req).pipe(
        filter((reply) => isAnswerTo(reply, req.id)),
        map((reply) => {
          const body = bodyOf(reply as Extract<ClassifiedMessage, { kind: 'response' }>);
          if ('error' in body) throw new UpstreamRpcError(method, body.error);
          return body.result;
        }),
      );
    });
  }

  /** Runs a message exchange nobody waits for (answers, cancellations); failures are logged. */
  private background$(work: Observable<unknown>, what: string): void {
    // Tracked so that close() can stop what is still running; added before subscribing, since
    // `work` may end synchronously (its finalize then removes it at once).
    const sub = new Subscription(() => this.background.delete(sub));
    this.background.add(sub);
    sub.add(
      work.subscribe({
        error: (err: unknown) => {
          this.logger.warn(`${what} failed: ${(err as Error).message}`);
          sub.unsubscribe();
        },
        complete: () => sub.unsubscribe(),
      }),
    );
  }

  private nextId(): string {
    return `rx-${++this.upstreamIds}`;
  }
}

/**
 * Holds the messages of a listen stream until its acknowledgement has gone out: the host must see
 * it first (subscriptions.md), though changes are collected from the start.
 */
function bufferUntilFirst(): (source: Observable<ClassifiedMessage>) => Observable<ClassifiedMessage> {
  return (source) =>
    defer(() => {
      const early: ClassifiedMessage[] = [];
      let acknowledged = false;
      return source.pipe(
        mergeMap((m) => {
          if (acknowledged) return of(m);
          if (m.kind !== 'notification' || m.method !== 'notifications/subscriptions/acknowledged') {
            early.push(m);
            return EMPTY;
          }
          acknowledged = true;
          return of(m, ...early.splice(0));
        }),
      );
    });
}

