/**
 * The one `subscriptions/listen` stream (basic/patterns/subscriptions.md) the bridge holds upstream
 * for a 2025 host: a 2025 server sends list_changed and resources/updated unasked on its GET
 * stream once the host subscribed; a 2026 server sends them only on a listen stream that names
 * what is wanted. The stream follows the host's `resources/subscribe` set: every change reopens it
 * with the new union (a filter cannot be changed on an open stream).
 */
import {
  BehaviorSubject,
  EMPTY,
  Observable,
  Subject,
  catchError,
  combineLatest,
  defer,
  distinctUntilChanged,
  filter,
  first,
  map,
  of,
  repeat,
  retry,
  switchMap,
  takeUntil,
  tap,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { match, P } from 'ts-pattern';
import type { ClassifiedMessage, JsonRpcErrorObject } from '../../operators';
import { HttpStatusError } from '../core/errors';
import type { Logger } from '../log/logger';
import { META, paramsOf } from '../protocol/meta';
import { isObject, notificationOf, type Notification } from './legacy-host-messages';

/** `params.notifications` of a listen request. */
export interface ListenFilter {
  toolsListChanged: boolean;
  promptsListChanged: boolean;
  resourcesListChanged: boolean;
  resourceSubscriptions: string[];
}

/** Where the held stream is: a `resources/subscribe` is answered once a stream covering its URI is acknowledged (or failed). */
export type ListenState =
  | { state: 'closed' }
  | { state: 'opening' | 'open'; filter: ListenFilter }
  | { state: 'failed'; filter: ListenFilter; error: unknown };

/** The server refused the listen request in band (HTTP 200 with a JSON-RPC error, e.g. "Subscription limit reached"). */
export class ListenRefusedError extends Error {
  constructor(readonly error: JsonRpcErrorObject) {
    super(`subscriptions/listen refused: ${error.message}`);
    this.name = 'ListenRefusedError';
  }
}

export interface HostListenOptions {
  /** Pause before reopening a stream the server ended (gracefully or not): the host still wants its notifications. */
  relistenDelayMs: number;
  /** Failures in a row (no acknowledgement between them) after which the stream is given up until the filter changes. */
  maxFailures: number;
}

const ACKNOWLEDGED = 'notifications/subscriptions/acknowledged';

export class HostListen {
  private readonly uris$ = new BehaviorSubject<ReadonlySet<string>>(new Set());
  /** The server advertises list changes (tools/prompts/resources `listChanged`): a 2025 server would send them unasked. */
  private readonly listChanged$ = new BehaviorSubject(false);
  readonly state$ = new BehaviorSubject<ListenState>({ state: 'closed' });
  private readonly closed$ = new Subject<void>();
  /** The stream's notifications as a 2025 server sends them; runs until `close()`. */
  readonly notifications$: Observable<Notification>;

  constructor(
    /** Sends one listen request upstream (a new id each time) and returns its stream. */
    private readonly open: (filter: ListenFilter) => Observable<ClassifiedMessage>,
    private readonly logger: Logger,
    private readonly options: HostListenOptions,
  ) {
    this.notifications$ = combineLatest([this.uris$, this.listChanged$]).pipe(
      map(([uris, listChanged]) => filterFor(uris, listChanged)),
      distinctUntilChanged(sameFilter),
      // A new filter closes the old stream (unsubscribing aborts its POST) and opens the new one.
      switchMap((wanted) => (wanted === undefined ? this.none() : this.held(wanted))),
      takeUntil(this.closed$),
    );
  }

  /** Opens the stream for list changes when the server advertises any (as after a 2025 initialize). */
  watchListChanges(advertised: boolean): void {
    this.listChanged$.next(advertised);
  }

  /**
   * Adds a URI; emits once a stream covering it is acknowledged (`undefined`), or the reason it
   * failed, or `undefined` after `waitMs` (the host is not kept waiting on a slow server).
   */
  subscribe(uri: string, waitMs: number): Observable<unknown> {
    return defer(() => {
      this.setUris((uris) => uris.add(uri));
      return this.state$.pipe(
        first((s) => s.state !== 'closed' && s.state !== 'opening' && s.filter.resourceSubscriptions.includes(uri)),
        map((s) => (s.state === 'failed' ? s.error : undefined)),
        timeout({
          first: waitMs,
          with: () => {
            this.logger.warn(`subscriptions/listen for ${uri} not acknowledged within ${waitMs} ms: answering resources/subscribe anyway`);
            return of(undefined);
          },
        }),
        tap((error) => error !== undefined && this.setUris((uris) => uris.delete(uri))),
      );
    });
  }

  unsubscribe(uri: string): void {
    this.setUris((uris) => uris.delete(uri));
  }

  close(): void {
    this.closed$.next();
    this.state$.next({ state: 'closed' });
  }

  private setUris(change: (uris: Set<string>) => unknown): void {
    const next = new Set(this.uris$.value);
    change(next);
    if (next.size !== this.uris$.value.size) this.uris$.next(next);
  }

  private none(): Observable<never> {
    return defer(() => {
      this.state$.next({ state: 'closed' });
      return EMPTY;
    });
  }

  /** One filter's stream, reopened when it ends, retried (with backoff) when it fails. */
  private held(wanted: ListenFilter): Observable<Notification> {
    return defer(() => {
      this.state$.next({ state: 'opening', filter: wanted });
      return this.open(wanted);
    }).pipe(
      tap((m) => {
        if (m.kind === 'notification' && m.method === ACKNOWLEDGED) {
          this.logger.debug(`subscriptions/listen acknowledged: ${JSON.stringify(paramsOf(m)?.notifications ?? {})}`);
          this.state$.next({ state: 'open', filter: wanted });
        }
      }),
      map((m) => refusal(m)),
      tap({ complete: () => this.logger.info('the server ended the subscriptions/listen stream: reopening it') }),
      repeat({ delay: () => timer(this.options.relistenDelayMs) }),
      retry({
        count: this.options.maxFailures,
        resetOnSuccess: true,
        delay: (error: unknown, attempt) => {
          this.state$.next({ state: 'failed', filter: wanted, error });
          // A server without subscriptions/listen will not grow one: no point knocking again.
          if (isPermanent(error)) return throwError(() => error);
          const ms = Math.min(30_000, this.options.relistenDelayMs * 2 ** (attempt - 1));
          this.logger.warn(`subscriptions/listen failed (${(error as Error).message}): retrying in ${ms} ms`);
          return timer(ms);
        },
      }),
      catchError((error: unknown) => {
        this.state$.next({ state: 'failed', filter: wanted, error });
        this.logger.warn(`subscriptions/listen failed (${(error as Error).message}), given up: no change notifications until the subscriptions change`);
        return EMPTY;
      }),
      filter((m): m is Notification => m.kind === 'notification' && m.method !== ACKNOWLEDGED),
      map(asLegacyNotification),
    );
  }
}

/** What to ask for: list changes when advertised, the subscribed URIs; nothing at all → no stream. */
function filterFor(uris: ReadonlySet<string>, listChanged: boolean): ListenFilter | undefined {
  if (uris.size === 0 && !listChanged) return undefined;
  // The server honours the subset it supports (the acknowledgement says which): asking for all
  // three costs nothing and matches a 2025 server, which sends whichever it has.
  return { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true, resourceSubscriptions: [...uris].sort() };
}

function sameFilter(a: ListenFilter | undefined, b: ListenFilter | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "Method not found" (in band, or as an HTTP 404 body): the server has no subscriptions/listen. */
function isPermanent(error: unknown): boolean {
  const code = error instanceof ListenRefusedError ? error.error.code : error instanceof HttpStatusError ? error.jsonRpcError?.code : undefined;
  return code === -32601;
}

/** An in-band error answer to the listen request fails the stream like an HTTP error does. */
function refusal(m: ClassifiedMessage): ClassifiedMessage {
  return match(m)
    .with({ kind: 'response', message: { error: P.select() } }, (error) => {
      throw new ListenRefusedError(error as JsonRpcErrorObject);
    })
    .otherwise(() => m);
}

/**
 * A listen notification as a 2025 server writes it: without the subscription id, which names a
 * request the host never sent (a 2025 host ignores unknown `_meta`, but it means nothing to it).
 */
function asLegacyNotification(m: Notification): Notification {
  const params = paramsOf(m);
  if (!isObject(params?._meta) || !(META.subscriptionId in params._meta)) return m;
  const { [META.subscriptionId]: _dropped, ...meta } = params._meta;
  const { _meta: _old, ...rest } = params;
  return notificationOf(m.method, Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest);
}
