/**
 * Issue #14, "2025 host → 2026-only server": a host that speaks the 2025 handshake (SDK v1, most
 * hosts today) sees a normal 2025 server, while the server upstream sees only stateless
 * MCP 2026-07-28 requests. See docs/protocol-2026-brief.md §10.
 */
import { EMPTY, Observable, ReplaySubject, Subject, concat, defer, filter, finalize, forkJoin, from, map, merge, mergeMap, of, take, timeout, type Subscription } from 'rxjs';
import { match, P } from 'ts-pattern';
import { idKey, type ClassifiedMessage, type JsonRpcErrorObject } from '../../operators';
import { isAnswerTo } from '../core/answers';
import type { McpConnection } from '../core/connection';
import { errorForRequest } from '../core/error-response';
import type { Logger } from '../log/logger';
import { META, paramsOf } from '../protocol/meta';
import { capabilityProblem, inputRequiredOf, inputResponseOf, modernCapabilities, type InputRequired } from './legacy-host-input';
import { HostListen, ListenRefusedError } from './legacy-host-listen';
import {
  UNKNOWN_HOST,
  answerAs,
  envelopeOf,
  errorFor,
  hostIdentityOf,
  idIsLossy,
  idTextFor,
  isObject,
  mintedRequest,
  notificationOf,
  requestOf,
  resultFor,
  type HostIdentity,
  type Params,
  type Request,
  type Response,
  withEnvelope,
} from './legacy-host-messages';

export interface LegacyHostOptions {
  /** Most `input_required` rounds for one host request before it is answered with an error (the SDK shim's bound). */
  maxInputRounds?: number;
  /** How long the host may take to answer the server requests of one round; 0 = as long as it likes (a person may be typing). */
  inputTimeoutMs?: number;
  /** How long a `resources/subscribe` waits for the listen stream that covers it to be acknowledged. */
  subscribeWaitMs?: number;
  /** Pause before the held listen stream is reopened after the server ended it. */
  relistenDelayMs?: number;
  /** Failures in a row after which the held listen stream is given up (until the subscriptions change). */
  listenFailures?: number;
}

const DEFAULT_OPTIONS: Required<LegacyHostOptions> = {
  maxInputRounds: 8,
  inputTimeoutMs: 0,
  subscribeWaitMs: 10_000,
  relistenDelayMs: 1000,
  listenFailures: 5,
};

/** One server request sent to the host on behalf of an `inputRequests` entry. */
interface Ask {
  key: string;
  request: Request;
  answer$: ReplaySubject<Response>;
  answered: boolean;
}

/**
 * Wraps the Streamable HTTP client (which sends a message declaring `_meta` protocolVersion
 * statelessly with the 2026 headers) so that a 2025 host's messages work on a 2026-only server:
 * - `initialize` is answered from `server/discover`; `notifications/initialized` is swallowed;
 *   `ping` and `logging/setLevel` are answered here (2026 has neither; the level goes into `_meta`);
 * - every other message goes upstream with the 2026 `_meta` envelope built from the initialize;
 * - an `input_required` result becomes server→host requests, and the request is retried with the
 *   host's answers until it completes: the host sees one request and one answer;
 * - `resources/subscribe`/`unsubscribe` and list changes ride one listen stream held upstream.
 */
export class LegacyHostOnModernServer implements McpConnection {
  readonly serverMessages$: Observable<ClassifiedMessage>;
  /** What the bridge writes unasked: listen notifications, cancellations of server requests nobody waits for anymore. */
  private readonly notices = new Subject<ClassifiedMessage>();
  private readonly options: Required<LegacyHostOptions>;
  private host: HostIdentity = UNKNOWN_HOST;
  /** From `logging/setLevel`: 2026 has no session to hold it, so it goes on every request instead. */
  private logLevel: string | undefined;
  /** Server requests sent to the host and not answered yet, by id: the host's answers are taken here, never sent upstream. */
  private readonly pendingInputs = new Map<string, Ask>();
  private seq = 0;
  private readonly listen: HostListen;
  private readonly listening: Subscription;
  private closed = false;

  constructor(
    private readonly inner: McpConnection,
    private readonly logger: Logger,
    options: LegacyHostOptions = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.listen = new HostListen((wanted) => this.inner.send(this.mint('listen', 'subscriptions/listen', { notifications: wanted })), logger, {
      relistenDelayMs: this.options.relistenDelayMs,
      maxFailures: this.options.listenFailures,
    });
    this.listening = this.listen.notifications$.subscribe((m) => this.notices.next(m));
    this.serverMessages$ = merge(this.notices, inner.serverMessages$);
  }

  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return defer(() =>
      match(message)
        .with({ kind: 'request', method: 'initialize' }, (req) => this.initialize(req))
        // 2026 has no ping: the bridge is what the host is talking to, and it is alive.
        .with({ kind: 'request', method: 'ping' }, (req) => of(resultFor(req, {})))
        .with({ kind: 'request', method: 'logging/setLevel' }, (req) => this.setLevel(req))
        .with({ kind: 'request', method: 'resources/subscribe' }, (req) => this.subscribe(req))
        .with({ kind: 'request', method: 'resources/unsubscribe' }, (req) => this.unsubscribe(req))
        .with({ kind: 'request' }, (req) => this.call(req))
        // No handshake upstream to complete; and on HTTP, closing a request's stream (the bridge
        // unsubscribes when the host cancels) is the 2026 cancellation, no notification is expected.
        .with({ kind: 'notification', method: P.union('notifications/initialized', 'notifications/cancelled') }, () => EMPTY)
        .with({ kind: 'notification' }, (note) => this.inner.send(notificationOf(note.method, this.withEnvelope(paramsOf(note)))))
        .with({ kind: 'response' }, (answer) => this.hostAnswer(answer))
        .with({ kind: P.union('batch', 'invalid') }, (other) => this.inner.send(other))
        .exhaustive(),
    );
  }

  async close(deadlineMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listen.close();
    this.listening.unsubscribe();
    this.notices.complete();
    await this.inner.close(deadlineMs);
  }

  /** `initialize` answered from `server/discover`, run with the host's identity as the envelope. */
  private initialize(req: Request): Observable<ClassifiedMessage> {
    this.host = hostIdentityOf(req);
    const discover = this.mint('discover', 'server/discover', {});
    return this.inner.send(discover).pipe(
      filter((reply) => isAnswerTo(reply, discover.id)),
      map((reply) => this.initializeAnswer(req, reply as Response)),
    );
  }

  private initializeAnswer(req: Request, discovered: Response): Response {
    return match(discovered.message)
      .with({ result: P.select() }, (result) => {
        const r = isObject(result) ? result : {};
        const capabilities = isObject(r.capabilities) ? r.capabilities : {};
        const meta = isObject(r._meta) ? r._meta : {};
        // A 2025 server sends list changes unasked once initialized: hold a listen stream for them.
        this.listen.watchListChanges(advertisesListChanges(capabilities));
        return resultFor(req, {
          protocolVersion: this.host.protocolVersion,
          capabilities,
          // Required in a 2025 InitializeResult; a 2026 server only SHOULD send it.
          serverInfo: meta[META.serverInfo] ?? { name: 'mcp-server', version: 'unknown' },
          ...(typeof r.instructions === 'string' ? { instructions: r.instructions } : {}),
        });
      })
      .otherwise((m) => errorFor(req, (m as { error: JsonRpcErrorObject }).error));
  }

  private setLevel(req: Request): Observable<ClassifiedMessage> {
    const level = paramsOf(req)?.level;
    if (typeof level !== 'string') return of(errorFor(req, { code: -32602, message: 'logging/setLevel needs params.level' }));
    this.logLevel = level;
    return of(resultFor(req, {}));
  }

  /** Answered once the held listen stream covers the URI, so a change right after the answer is not missed. */
  private subscribe(req: Request): Observable<ClassifiedMessage> {
    const uri = paramsOf(req)?.uri;
    if (typeof uri !== 'string') return of(errorFor(req, { code: -32602, message: 'resources/subscribe needs params.uri' }));
    return this.listen.subscribe(uri, this.options.subscribeWaitMs).pipe(
      map((failure) => (failure === undefined ? resultFor(req, {}) : errorFor(req, listenError(failure, req)))),
    );
  }

  private unsubscribe(req: Request): Observable<ClassifiedMessage> {
    const uri = paramsOf(req)?.uri;
    if (typeof uri !== 'string') return of(errorFor(req, { code: -32602, message: 'resources/unsubscribe needs params.uri' }));
    this.listen.unsubscribe(uri);
    return of(resultFor(req, {}));
  }

  /** Any other request: upstream under the host's own id (written as the host wrote it), with the envelope. */
  private call(req: Request): Observable<ClassifiedMessage> {
    const base = this.withEnvelope(paramsOf(req));
    return this.round(req, requestOf(req.id, idTextFor(req), req.method, base), base, 1);
  }

  /**
   * One upstream attempt of a host request. Messages on the way (progress, log messages) pass to
   * the host as they come; the answer is either final (relayed under the host's id) or an
   * `input_required` that starts the next round.
   */
  private round(req: Request, upstream: Request, base: Params, round: number): Observable<ClassifiedMessage> {
    return this.inner.send(upstream).pipe(
      mergeMap((reply) => {
        if (!isAnswerTo(reply, upstream.id)) return of(reply);
        const needed = inputRequiredOf(reply as Response);
        if (needed !== undefined) return this.gatherInput(req, base, needed, round);
        // Only a retry's answer (another id) or a host id that JSON.parse changed needs rewriting:
        // the rest goes as the server's bytes (a 2 MiB result is not serialized again).
        return of(upstream.id === req.id && !idIsLossy(req) ? reply : answerAs(req, reply as Response));
      }),
    );
  }

  /**
   * The server needs input: ask the host (server→host requests in this request's reply stream,
   * which the bridge writes to stdout), wait for all its answers, then retry upstream with them.
   * Unsubscribing (the host cancelled, or the bridge shut down) stops the wait and the retry.
   */
  private gatherInput(req: Request, base: Params, needed: InputRequired, round: number): Observable<ClassifiedMessage> {
    if (round >= this.options.maxInputRounds) {
      return of(errorFor(req, { code: -32603, message: `the server still asked for input after ${round} rounds; giving up`, data: { rounds: round } }));
    }
    const entries = Object.entries(needed.inputRequests);
    for (const [key, request] of entries) {
      const problem = capabilityProblem(key, request, this.host.capabilities);
      if (problem !== undefined) return of(errorFor(req, problem));
    }
    return defer(() => {
      const asks = entries.map(([key, r]): Ask => ({ key, request: this.mintRequest('input', r.method, r.params), answer$: new ReplaySubject<Response>(1), answered: false }));
      for (const ask of asks) this.pendingInputs.set(idKey(ask.request.id), ask);
      const retry$ = this.answersTo(asks).pipe(
        mergeMap((answers) => {
          if (answers === undefined) {
            const ms = this.options.inputTimeoutMs;
            return of(errorFor(req, { code: -32001, message: `the host did not answer the server's request for input within ${ms} ms`, data: { timeoutMs: ms } }));
          }
          const responses: Params = {};
          for (const ask of asks) {
            const response = inputResponseOf(ask.key, ask.request.method, answers[ask.key]!);
            if ('error' in response) return of(errorFor(req, response.error));
            responses[ask.key] = response.value;
          }
          const params = { ...base, inputResponses: responses, ...(needed.requestState !== undefined ? { requestState: needed.requestState } : {}) };
          return this.round(req, this.mintRequest('retry', req.method, params), base, round + 1);
        }),
      );
      return concat(from(asks.map((ask) => ask.request)), retry$).pipe(finalize(() => this.forget(asks)));
    });
  }

  /** The host's answers to one round's requests, by `inputRequests` key; `undefined` when the input timeout passed first. */
  private answersTo(asks: Ask[]): Observable<Record<string, Response> | undefined> {
    // Only requestState, nothing to ask: the server wants the retry at once (MRTR client requirement 1).
    if (asks.length === 0) return of({});
    const all$ = forkJoin(Object.fromEntries(asks.map((ask) => [ask.key, ask.answer$.pipe(take(1))])));
    const ms = this.options.inputTimeoutMs;
    return ms <= 0 ? all$ : all$.pipe(timeout({ first: ms, with: () => of(undefined) }));
  }

  /** A host answer: to a server request of ours (taken here), or to nothing a 2026 server could have sent (dropped). */
  private hostAnswer(answer: Response): Observable<ClassifiedMessage> {
    const ask = answer.id === null ? undefined : this.pendingInputs.get(idKey(answer.id));
    if (ask === undefined) {
      this.logger.warn(`dropped the host's answer for id ${JSON.stringify(answer.id)}: no server request of that id is waiting`);
      return EMPTY;
    }
    ask.answered = true;
    this.pendingInputs.delete(idKey(answer.id!));
    ask.answer$.next(answer);
    ask.answer$.complete();
    return EMPTY;
  }

  /**
   * The round ended (answered, failed or cancelled): requests the host has not answered are
   * withdrawn with `notifications/cancelled`, as a 2025 server does, so that a dialog does not
   * stay open for a call that is over.
   */
  private forget(asks: Ask[]): void {
    for (const ask of asks) {
      this.pendingInputs.delete(idKey(ask.request.id));
      if (ask.answered || this.closed) continue;
      this.notices.next(notificationOf('notifications/cancelled', { requestId: ask.request.id, reason: 'the request that needed this input ended' }));
    }
  }

  /** `params` with the 2026 envelope of this host in `_meta` (its own keys, like progressToken, stay). */
  private withEnvelope(params: Params | undefined): Params {
    return withEnvelope(params, envelopeOf({ ...this.host, capabilities: modernCapabilities(this.host.capabilities) }, this.logLevel));
  }

  /** A request of the bridge's own, with the envelope: ids `rx-<what>-<n>` never collide with the host's own requests upstream. */
  private mint(what: string, method: string, params: Params): Request {
    return this.mintRequest(what, method, this.withEnvelope(params));
  }

  private mintRequest(what: string, method: string, params: Params): Request {
    return mintedRequest(`rx-${what}-${++this.seq}`, method, params);
  }
}

/** Any `listChanged: true` among tools, prompts and resources. */
function advertisesListChanges(capabilities: Params): boolean {
  return ['tools', 'prompts', 'resources'].some((name) => {
    const cap = capabilities[name];
    return isObject(cap) && cap.listChanged === true;
  });
}

/** Why the listen stream failed, as the error a `resources/subscribe` is answered with. */
function listenError(failure: unknown, req: Request): JsonRpcErrorObject {
  return failure instanceof ListenRefusedError ? failure.error : errorForRequest(failure, req.id).error;
}
