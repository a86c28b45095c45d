import { Observable, Subject, catchError, concat, defer, finalize, from, ignoreElements, map, switchMap, tap, throwError, timer, lastValueFrom } from 'rxjs';
import { match, P } from 'ts-pattern';
import type { ClassifiedMessage, JsonRpcId, SseCursor } from '../../operators';
import { isAnswerTo, isSuccessStatus } from '../core/answers';
import type { McpConnection } from '../core/connection';
import { errorCode, NoResponseError, SessionExpiredError } from '../core/errors';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { encodeMessageBody } from '../http/request-body';
import { isLongLived, isModernMessage } from '../protocol/meta';
import { isRepeatable } from '../protocol/repeatable';
import { requestHeaders } from '../protocol/request-headers';
import { ToolCatalog } from '../protocol/tool-catalog';
import { responseTimeout } from './response-timeout';
import type { ClientOptions } from './client-options';
import { exchange } from './exchange';
import { reconnectDelayMs } from './reconnect';
import { ServerStream } from './server-stream';
import { SessionState } from './session-state';
import { untilAnswered } from './until-answered';

export interface StreamableHttpClientOptions extends ClientOptions {
  /** How many times a POST's SSE stream that dropped before its answer is resumed with GET. */
  resumeAttempts: number;
  /** Open the GET stream for server-initiated messages once the session is initialized. */
  serverStream: boolean;
}

const ACCEPT = 'application/json, text/event-stream, application/x-ndjson';
/** Headers the client derives itself; a user's --header cannot override them. */
const CONTROLLED = new Set(['accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'last-event-id', 'content-length']);
/** Longest wait for the GET stream's first answer before held requests go anyway. */
const GET_STREAM_WAIT_MS = 1000;
const RESUMABLE_CODES = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * An MCP Streamable HTTP client (2025-06-18 transport) with messages as Observables:
 * - `send(message)`: every message the server sends back for it; for a request, completes after
 *   its answer, errors with a typed error when there is none (HTTP status, network, timeout,
 *   protocol); unsubscribing aborts the HTTP request.
 * - `serverMessages$`: server-initiated messages from the GET stream.
 * - `close()`: stops the GET stream and DELETEs the session.
 * Session handling: the session id from the initialize response goes on every later request;
 * messages written after an initialize wait for its answer; a 404 on a request that carried the
 * session replays the initialize handshake once and retries.
 */
export class StreamableHttpClient implements McpConnection {
  readonly session = new SessionState();
  /** The server's tools as the host listed them: x-mcp-header parameters, and which are safe to call twice. */
  private readonly tools: ToolCatalog;
  private readonly serverMessages = new Subject<ClassifiedMessage>();
  readonly serverMessages$ = this.serverMessages.asObservable();
  private readonly baseHeaders: Record<string, string>;
  private recovery: Promise<void> | undefined;
  private readonly stream: ServerStream;
  private closed = false;
  /** Settles when the GET stream started after notifications/initialized got its first answer. */
  private streamOpened: Promise<void> | undefined;

  constructor(private readonly options: StreamableHttpClientOptions) {
    this.tools = options.tools ?? new ToolCatalog();
    this.baseHeaders = {};
    for (const [name, value] of Object.entries(options.headers)) {
      if (!CONTROLLED.has(name.toLowerCase()) && !name.toLowerCase().startsWith('mcp-param-')) this.baseHeaders[name] = value;
    }
    this.stream = new ServerStream({
      url: options.url,
      headers: () => this.headers(),
      maxMessageBytes: options.maxMessageBytes,
      gate: options.gate,
      logger: options.logger,
      send: options.send,
      onMessage: (m) => this.serverMessages.next(m),
    });
  }

  /** Sends one message from the host; see the class comment for what comes back. */
  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    const replies = this.route(message);
    return message.kind === 'request' && message.method === 'tools/list' ? replies.pipe(map((reply) => this.learnTools(reply, message.id))) : replies;
  }

  /** A switch rather than a ts-pattern match: it runs for every message (the match cost ~7 µs of a request's CPU). */
  private route(m: ClassifiedMessage): Observable<ClassifiedMessage> {
    switch (m.kind) {
      case 'request':
        if (m.method === 'initialize') return this.withTimeout(this.initialize(m));
        // MCP 2026-07-28: stateless, no handshake to wait for, no session to recover.
        if (isModernMessage(m)) return this.withTimeout(this.requestOnce(m, false), m);
        return this.withTimeout(this.afterGate(() => this.requestOnce(m, true)), m);
      case 'notification':
        if (m.method === 'notifications/initialized') return this.withTimeout(this.initialized(m));
        return this.withTimeout(this.afterGate(() => this.postOnce(m, true)));
      case 'response':
        return this.withTimeout(this.afterGate(() => this.postOnce(m, true)));
      case 'batch':
      case 'invalid':
        return throwError(() => new Error('only single JSON-RPC messages can be sent'));
      default:
        return unreachable(m);
    }
  }

  /** Stops the GET stream and ends the session with DELETE (405 means the server keeps it). */
  async close(deadlineMs = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.stop();
    const sessionId = this.session.sessionId;
    if (sessionId === undefined) return;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), deadlineMs);
    try {
      const res = await this.options.send({ method: 'DELETE', url: this.options.url, headers: this.headers(), signal: ac.signal, lane: 'side' });
      res.body.discard();
      this.options.logger.debug(`session ${sessionId} closed: HTTP ${res.status}`);
    } catch (err) {
      this.options.logger.debug(`DELETE of the session failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The initialize request: later messages wait for its answer, which carries the session. */
  private initialize(m: Extract<ClassifiedMessage, { kind: 'request' }>): Observable<ClassifiedMessage> {
    return this.holdingGate((release) => {
      this.session.initialize = m;
      // A new initialize starts a new session: the old id must not go with it.
      this.session.reset();
      this.stream.stop();
      return this.requestOnce(m, false, (res) => this.adoptSession(res), true).pipe(
        tap((reply) => {
          if (isAnswerTo(reply, m.id)) {
            this.adoptProtocolVersion(reply);
            release();
          }
        }),
      );
    });
  }

  /**
   * notifications/initialized: later messages also wait until the server accepted it, as the SDK
   * client does (a server may only register some tools once it has seen it).
   */
  private initialized(m: ClassifiedMessage): Observable<ClassifiedMessage> {
    // The GET stream opens (its GET answered, at most GET_STREAM_WAIT_MS) before held requests go:
    // a server may send on it what those requests need (the conformance suite's sse-retry).
    return this.holdingGate(() => concat(this.postOnce(m, true), defer(() => from(this.streamOpened ?? Promise.resolve())).pipe(ignoreElements())));
  }

  /**
   * Runs `run` once earlier handshakes are done, holding the session gate (later messages wait)
   * until it ends, or until it calls `release` earlier.
   */
  private holdingGate(run: (release: () => void) => Observable<ClassifiedMessage>): Observable<ClassifiedMessage> {
    return defer(() => {
      const previous = this.session.ready();
      const release = this.session.hold();
      return from(previous).pipe(
        switchMap(() => run(release)),
        finalize(release),
      );
    });
  }

  /** Runs once no initialize handshake is under way (checked again after each wait). */
  private afterGate(run: () => Observable<ClassifiedMessage>): Observable<ClassifiedMessage> {
    return defer(() => (this.session.initializing ? from(this.session.ready()).pipe(switchMap(() => this.afterGate(run))) : run()));
  }

  /**
   * Learns the tools of a tools/list answer (see ToolCatalog). A tool whose x-mcp-header
   * annotations break the spec's rules is left out of what the host sees, with a warning: a
   * Streamable HTTP client MUST exclude it (the other tools stay usable).
   */
  private learnTools(reply: ClassifiedMessage, id: JsonRpcId): ClassifiedMessage {
    if (reply.kind !== 'response' || !isAnswerTo(reply, id) || !('result' in reply.message)) return reply;
    const result = reply.message.result as { tools?: unknown[] };
    const rejected = this.tools.learn(result);
    if (rejected.length === 0) return reply;
    const names = new Set(rejected.map((r) => r.name));
    for (const r of rejected) this.options.logger.warn(`tool ${JSON.stringify(r.name)} left out of tools/list: ${r.reason}`);
    const message = { ...reply.message, result: { ...result, tools: result.tools!.filter((t) => !names.has((t as { name?: string }).name!)) } };
    return { kind: 'response', id, message, text: JSON.stringify(message) };
  }

  /** The response timeout, except for streams meant to stay open (subscriptions/listen). */
  private withTimeout(source: Observable<ClassifiedMessage>, m?: ClassifiedMessage): Observable<ClassifiedMessage> {
    return m !== undefined && isLongLived(m) ? source : source.pipe(responseTimeout(this.options.timeoutMs));
  }

  /**
   * One request: POST, its messages until the answer, resumption of a dropped SSE stream, and
   * one recovery from an expired session.
   */
  private requestOnce(
    m: Extract<ClassifiedMessage, { kind: 'request' }>,
    recoverable: boolean,
    onHeaders?: (res: HttpResponse) => void,
    patientConnect = false,
  ): Observable<ClassifiedMessage> {
    return defer(() => {
      const cursor: SseCursor = { lastEventId: '' };
      let answered = false;
      const post = this.exchange(this.postRequest(m), cursor, () => answered, recoverable, onHeaders, patientConnect);
      // MCP 2026-07-28 has no resumption: a broken stream loses the request (it is answered with an error).
      const messages = isModernMessage(m) ? post : this.resumable(post, cursor, () => answered, m.id);
      return messages.pipe(
        // Complete once the answer is in, and the messages that arrived with it went through.
        untilAnswered(m.id, () => (answered = true)),
        catchError((err: unknown) =>
          err instanceof SessionExpiredError && recoverable
            ? from(this.recover(err.generation)).pipe(switchMap(() => this.requestOnce(m, false, onHeaders)))
            : throwError(() => err),
        ),
      );
    });
  }

  /** A notification or a host's response: POSTed, 202 expected; any messages in the body pass on. */
  private postOnce(m: ClassifiedMessage, recoverable: boolean): Observable<ClassifiedMessage> {
    return defer(() => {
      const cursor: SseCursor = { lastEventId: '' };
      const isInitialized = m.kind === 'notification' && m.method === 'notifications/initialized';
      if (isInitialized) this.session.initialized = m;
      return this.exchange(this.postRequest(m), cursor, () => false, recoverable, (res) => {
        if (isInitialized && isSuccessStatus(res.status)) this.startServerStream();
      }).pipe(
        catchError((err: unknown) =>
          err instanceof SessionExpiredError && recoverable
            ? from(this.recover(err.generation)).pipe(switchMap(() => this.postOnce(m, false)))
            : throwError(() => err),
        ),
      );
    });
  }

  private postRequest(m: ClassifiedMessage): (signal: AbortSignal) => HttpRequest {
    const { body, contentType } = encodeMessageBody(m, this.options.contentType);
    // A 2026-07-28 message carries its own version and belongs to no session.
    const modern = isModernMessage(m);
    return (signal) => ({
      method: 'POST',
      url: this.options.url,
      headers: {
        ...(modern ? this.baseHeaders : this.headers()),
        ...requestHeaders(m, this.tools, modern ? undefined : this.session.protocolVersion),
        'Content-Type': contentType,
        Accept: ACCEPT,
      },
      body,
      signal,
      repeatable: isRepeatable(m, this.tools),
      // Requests take the pool sized to the request slots, streams meant to stay open a pool of
      // their own, notifications and answers the side lane.
      lane: isLongLived(m) ? 'stream' : m.kind === 'request' ? 'request' : 'side',
    });
  }

  /**
   * One exchange of this session (see exchange.ts): a 404 on a request that carried the session
   * becomes SessionExpiredError, so that the caller can recover the session once.
   */
  private exchange(
    build: (signal: AbortSignal) => HttpRequest,
    cursor: SseCursor,
    answered: () => boolean,
    recoverable: boolean,
    onHeaders?: (res: HttpResponse) => void,
    patientConnect = false,
  ): Observable<ClassifiedMessage> {
    return defer(() => {
      const generation = this.session.generation;
      let carriedSession = false;
      return exchange(
        (signal) => {
          const request = build(signal);
          carriedSession = request.headers['Mcp-Session-Id'] !== undefined;
          return request;
        },
        {
          send: this.options.send,
          retry: patientConnect ? { ...this.options.retry, patientConnect } : this.options.retry,
          logger: this.options.logger,
          maxMessageBytes: this.options.maxMessageBytes,
          gate: this.options.gate,
          cursor,
          done: answered,
          accepted: onHeaders,
          failure: (res) => {
            if (res.status !== 404 || !carriedSession || !recoverable || this.session.initialize === undefined) return undefined;
            res.body.discard();
            return new SessionExpiredError(generation);
          },
        },
      );
    });
  }

  /**
   * Resumes a POST's SSE stream that ended or dropped before the answer: GET with Last-Event-ID
   * (only when the server gave event ids), waiting the server's `retry` time or a backoff, up to
   * `resumeAttempts` times. Without an event id there is nothing to resume: the request fails.
   */
  private resumable(source: Observable<ClassifiedMessage>, cursor: SseCursor, answered: () => boolean, id: JsonRpcId, attempt = 1): Observable<ClassifiedMessage> {
    // One Observable rather than concat(source.pipe(catchError(...)), defer(...)): every 2025
    // request goes through here, and concat alone is several subscribers per request.
    return new Observable<ClassifiedMessage>((subscriber) => {
      const ended = (dropped?: unknown) => {
        try {
          if (answered()) return subscriber.complete();
          if (cursor.lastEventId === '' || attempt > this.options.resumeAttempts) return subscriber.error(dropped ?? new NoResponseError());
          const delay = reconnectDelayMs(attempt - 1, cursor.retryMs);
          this.options.logger.info(`response stream for request ${JSON.stringify(id)} ended early: resuming after event ${JSON.stringify(cursor.lastEventId)} in ${delay} ms`);
          const resume = this.exchange(
            (signal) => ({ method: 'GET', url: this.options.url, headers: this.headers({ Accept: 'text/event-stream', 'Last-Event-ID': cursor.lastEventId }), signal }),
            cursor,
            answered,
            false,
          );
          // The resumed stream carries this subscriber on (its teardown is added to it).
          timer(delay)
            .pipe(switchMap(() => this.resumable(resume, cursor, answered, id, attempt + 1)))
            .subscribe(subscriber);
        } catch (err) {
          subscriber.error(err);
        }
      };
      return source.subscribe({
        next: (m) => subscriber.next(m),
        error: (err: unknown) => (isStreamDrop(err) ? ended(err) : subscriber.error(err)),
        complete: () => ended(),
      });
    });
  }

  /**
   * Replays the cached initialize (without the expired session id) and
   * notifications/initialized, swallowing the replayed answer, then reopens the GET stream.
   * Concurrent 404s of one generation share one recovery.
   */
  private recover(generation: number): Promise<void> {
    if (this.session.generation !== generation) return Promise.resolve();
    if (this.recovery) return this.recovery;
    const init = this.session.initialize!;
    const release = this.session.hold();
    this.options.logger.warn('session expired (HTTP 404): initializing a new session');
    this.stream.stop();
    this.session.reset();
    this.recovery = (async () => {
      await drained(this.requestOnce(init, false, (res) => this.adoptSession(res)).pipe(tap((r) => r.kind === 'response' && this.adoptProtocolVersion(r))));
      this.session.generation++;
      const initialized = this.session.initialized;
      if (initialized !== undefined) await drained(this.postOnce(initialized, false));
    })().finally(() => {
      this.recovery = undefined;
      release();
    });
    return this.recovery;
  }

  private adoptSession(res: HttpResponse): void {
    if (!isSuccessStatus(res.status)) return;
    const id = res.headers['mcp-session-id'];
    if (id !== undefined && id !== '') {
      this.session.sessionId = id;
      this.options.logger.debug(`session ${id}`);
    }
  }

  private adoptProtocolVersion(reply: ClassifiedMessage): void {
    const version = match(reply)
      .with({ kind: 'response', message: { result: { protocolVersion: P.string } } }, (r) => (r.message as { result: { protocolVersion: string } }).result.protocolVersion)
      .otherwise(() => undefined);
    if (version !== undefined) this.session.protocolVersion = version;
  }

  /** The headers of every request: the user's, the session's (id, protocol version), then `extra`. */
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.baseHeaders, ...this.session.headers(), ...extra };
  }

  private startServerStream(): void {
    if (!this.options.serverStream || this.closed) return;
    const opened = this.stream.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, GET_STREAM_WAIT_MS)));
    this.streamOpened = Promise.race([opened, waited]).finally(() => clearTimeout(timer));
  }
}

function unreachable(m: never): never {
  throw new Error(`unknown message kind ${JSON.stringify((m as ClassifiedMessage).kind)}`);
}

function isStreamDrop(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RESUMABLE_CODES.has(code);
}

/** Runs an Observable to its end, ignoring its values. */
function drained(source: Observable<unknown>): Promise<void> {
  return lastValueFrom(source, { defaultValue: undefined }).then(() => undefined);
}
