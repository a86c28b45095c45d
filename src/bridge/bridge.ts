import { EMPTY, Observable, Subject, catchError, defer, filter, finalize, map, merge, mergeMap, takeUntil, tap, type Subscriber, type Subscription } from 'rxjs';
import { match, P } from 'ts-pattern';
import { idKey, idTextOf, type ClassifiedMessage, type JsonRpcId } from '../../operators';
import { isAnswer, isAnswerTo } from '../core/answers';
import type { McpConnection } from '../core/connection';
import { errorForRequest } from '../core/error-response';
import { HttpStatusError, NoResponseError, ShutdownError } from '../core/errors';
import type { Logger } from '../log/logger';
import { isLongLived, isModernMessage } from '../protocol/meta';
import type { LineWriter, OutputLine } from '../stdio/line-writer';

export interface BridgeOptions {
  concurrency: number;
  /** At end of input: how long in-flight requests may still finish before they are answered with an error. */
  shutdownTimeoutMs: number;
  /**
   * Applied to every answer the bridge writes itself: an upstream error body (a proxy echoing the
   * request's headers) must not hand the host (or the model behind it) a configured secret.
   */
  redact?: (line: string) => string;
}

/** A host request on its way: what cancellation, shutdown and the exactly-once rule need. */
interface Job {
  id: JsonRpcId;
  method: string;
  answered: boolean;
  /** The host cancelled it: no answer is owed. */
  cancelled: boolean;
  /** The shutdown deadline passed: it is answered with an error. */
  expired: boolean;
  /** A stream meant to stay open (subscriptions/listen): closed at once when the input ends. */
  longLived: boolean;
  /** MCP 2026-07-28: closing its stream is the cancellation; no notification goes upstream. */
  modern: boolean;
  /** Ends its exchange now (answered elsewhere, cancelled, expired); a no-op while it waits for a slot. */
  stop: () => void;
}

type RequestMessage = Extract<ClassifiedMessage, { kind: 'request' }>;

const NOOP = (): void => undefined;

/**
 * Host messages queued (admitted, not yet sent: requests waiting for a slot and one-way messages
 * waiting for the one-way lane alike) beyond which stdin is paused. Every queued message counts:
 * a host writing a million notifications to a slow server must not fill memory.
 */
const QUEUE_HIGH = 1024;
/** One-way messages in flight at once (they are short: a POST answered with 202). */
const ONE_WAY_CONCURRENCY = 64;
/** Long-lived streams open at once; they never take one of the `concurrency` request slots. */
const STREAM_CONCURRENCY = 64;
/** How many answered ids are remembered to drop a server's duplicate answer. */
const ANSWERED_MEMORY = 10_000;

/**
 * The bridge proper: host messages in, lines out through the single writer.
 * - Each message is admitted synchronously, in stdin order: invalid lines are answered at once,
 *   `notifications/cancelled` stops its request at once, requests are registered so that each
 *   gets exactly one answer.
 * - Up to `concurrency` requests are in flight at once (mergeMap); a slow one never blocks others.
 *   Notifications and the host's answers go in a lane of their own, outside those slots.
 * - At end of input, in-flight requests may finish within `shutdownTimeoutMs`; whatever is still
 *   open then is answered with an error, so that no request is left without an answer.
 */
export class Bridge {
  private readonly jobs = new Map<string, Job>();
  /** Ids answered or cancelled lately, oldest first: a later answer for one of them is dropped. */
  private readonly answeredIds = new Set<string>();
  private queued = 0;
  private queueWaiters: Array<() => void> = [];
  private readonly stopAll$ = new Subject<void>();
  /** Notifications and the host's answers: sent in their own lane, outside the request slots. */
  private readonly oneWay$ = new Subject<Observable<OutputLine>>();
  /** Streams meant to stay open (subscriptions/listen): a lane of their own, outside the slots. */
  private readonly streams$ = new Subject<Observable<OutputLine>>();
  /** Lines decided outside a slot (invalid input, answers from the GET stream): the output stream's too. */
  private readonly direct$ = new Subject<OutputLine>();
  private deadline: { timer: NodeJS.Timeout; at: number } | undefined;

  constructor(
    private readonly connection: McpConnection,
    private readonly writer: LineWriter,
    private readonly logger: Logger,
    private readonly options: BridgeOptions,
  ) {}

  /** Backpressure for stdin: pauses reading while too many messages wait for a slot. */
  readonly inputGate = (): Promise<void> | undefined =>
    this.queued < QUEUE_HIGH ? undefined : new Promise<void>((resolve) => this.queueWaiters.push(resolve));

  /**
   * Runs until the input ends and every admitted message is done (or the deadline passed).
   * `stopInput$` ends reading early (signals).
   */
  run(input$: Observable<ClassifiedMessage>, stopInput$: Observable<unknown>, graceMs: () => number): Promise<void> {
    return new Promise<void>((resolve) => {
      const server: Subscription = this.connection.serverMessages$.subscribe((m) => this.serverMessage(m));
      const startDeadline = () => {
        const ms = graceMs();
        if (this.jobs.size > 0) this.logger.info(`input ended: waiting up to ${ms} ms for ${this.jobs.size} request(s)`);
        this.setDeadline(ms);
      };
      const requests$ = input$.pipe(
        takeUntil(stopInput$),
        tap({
          complete: startDeadline,
          finalize: () => {
            this.oneWay$.complete();
            this.streams$.complete();
            // Nobody is left to read a stream meant to stay open: close each at once.
            this.closeStreams();
          },
        }),
        map((m) => this.admit(m)),
        filter((work): work is Observable<OutputLine> => work !== undefined),
        mergeMap((work) => work, this.options.concurrency),
      );
      // One-way messages have their own lane: a host's answer to a sampling request must never
      // wait for a slot held by the very tool call that is waiting for it.
      const oneWays$ = this.oneWay$.pipe(mergeMap((work) => work, ONE_WAY_CONCURRENCY));
      const streams$ = this.streams$.pipe(mergeMap((work) => work, STREAM_CONCURRENCY));
      // The one output stream: everything the bridge writes goes through it, in the order decided.
      merge(this.direct$, merge(oneWays$, streams$, requests$).pipe(finalize(() => this.direct$.complete())))
        .pipe(takeUntil(this.stopAll$))
        .subscribe({
          next: (line) => this.writer.write(line),
          error: (err: unknown) => {
            this.logger.error(`input failed: ${(err as Error).message}`);
            this.expireAll();
            finish();
          },
          complete: () => finish(),
        });
      const finish = () => {
        if (this.deadline) clearTimeout(this.deadline.timer);
        server.unsubscribe();
        resolve();
      };
    });
  }

  /**
   * Brings the shutdown deadline forward to at most `ms` from now (a signal after stdin EOF: the
   * grace of a signal applies even when the longer EOF deadline is already running).
   */
  shortenDeadline(ms: number): void {
    if (this.deadline === undefined || this.deadline.at <= Date.now() + ms) return;
    clearTimeout(this.deadline.timer);
    this.setDeadline(ms);
  }

  private setDeadline(ms: number): void {
    this.deadline = { timer: setTimeout(() => this.expireAll(), ms), at: Date.now() + ms };
  }

  /** Ends everything at once (stdout is gone: nobody is left to answer). */
  abort(): void {
    for (const job of this.jobs.values()) {
      job.cancelled = true;
      job.stop();
    }
    this.stopAll$.next();
  }

  /**
   * Decides, in stdin order, what a host message becomes; returns the work for a slot, if any.
   * A switch rather than a ts-pattern match: it runs for every message (~5 µs of a request's CPU).
   */
  private admit(m: ClassifiedMessage): Observable<OutputLine> | undefined {
    switch (m.kind) {
      case 'invalid':
        this.logger.warn(`invalid message from the host: ${m.error.error.message}`);
        this.direct$.next(JSON.stringify(m.error));
        return undefined;
      case 'request':
        if (isLongLived(m)) {
          this.streams$.next(this.request(m, false));
          return undefined;
        }
        this.queued++;
        return this.request(m, true);
      case 'notification':
        // MCP 2026-07-28 over HTTP: closing the request's stream is the cancellation, and the
        // server expects no notification; a 2025 server is told.
        if (m.method === 'notifications/cancelled' && this.cancel(m.message.params) === 'modern') return undefined;
        this.oneWay$.next(this.queue(this.oneWay(m)));
        return undefined;
      case 'response':
        this.oneWay$.next(this.queue(this.oneWay(m)));
        return undefined;
      case 'batch':
        // stdin takes batches apart before they get here (operators/batch-members.ts).
        return undefined;
      default:
        return unreachable(m);
    }
  }

  /** Counts a message as queued until a slot picks it up (stdin backpressure). */
  private queue(work: Observable<OutputLine>): Observable<OutputLine> {
    this.queued++;
    return defer(() => {
      this.dequeued();
      return work;
    });
  }

  /** A queued message was picked up: stdin may read on once the queue is half empty. */
  private dequeued(): void {
    this.queued--;
    if (this.queued < QUEUE_HIGH / 2 && this.queueWaiters.length > 0) {
      const waiters = this.queueWaiters;
      this.queueWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /**
   * A host request's work: its exchange, then, unless it was answered or cancelled, an error
   * answer (the exchange failed or ended without the answer, or the shutdown deadline stopped it).
   * `queued`: it counts as queued (admit) until a slot subscribes to it.
   *
   * One Observable rather than concat(defer(send).pipe(takeUntil(stop$), map, filter,
   * catchError), defer(last word)) and a Subject per job: every request builds it, and those were
   * nine subscribers per request (see exchange.ts for what these single Observables saved).
   */
  private request(req: RequestMessage, queued: boolean): Observable<OutputLine> {
    const key = idKey(req.id);
    if (this.jobs.has(key)) this.logger.warn(`request id ${JSON.stringify(req.id)} is already in flight; the host reused it`);
    this.answeredIds.delete(key);
    const job: Job = {
      id: req.id,
      method: req.method,
      answered: false,
      cancelled: false,
      expired: false,
      longLived: isLongLived(req),
      modern: isModernMessage(req),
      stop: NOOP,
    };
    this.jobs.set(key, job);
    const answer = (line: OutputLine): OutputLine => {
      job.answered = true;
      this.remember(key);
      return line;
    };
    /** The last word: an error answer when none was given (none is owed to a cancelled request). */
    const settle = (out: Subscriber<OutputLine>) => {
      if (this.jobs.get(key) === job) this.jobs.delete(key);
      if (!job.answered && !job.cancelled) {
        // Stopped by the shutdown deadline, or (a server bug) the exchange ended without the answer.
        out.next(answer(this.errorLine(job.expired ? new ShutdownError() : new NoResponseError(), req)));
      }
      out.complete();
    };
    return new Observable<OutputLine>((out) => {
      if (queued) this.dequeued();
      if (job.cancelled || job.answered || job.expired) return settle(out);
      let ended = false;
      let upstream: Subscription | undefined;
      const end = (): boolean => {
        if (ended) return false;
        ended = true;
        job.stop = NOOP;
        return true;
      };
      const failed = (err: unknown) => {
        if (!end()) return;
        if (!job.cancelled && !job.answered) {
          this.logFailure(req.method, req.id, err);
          out.next(answer(this.errorLine(err, req)));
        }
        settle(out);
      };
      job.stop = () => {
        if (end()) settle(out);
      };
      upstream = this.connection.send(req).subscribe({
        next: (reply) => {
          if (ended) return;
          try {
            const line = isAnswerTo(reply, req.id) ? (job.answered ? undefined : answer(lineOf(reply))) : this.otherMessage(reply);
            if (line !== undefined) out.next(line);
          } catch (err) {
            failed(err);
          }
        },
        error: failed,
        complete: () => {
          if (end()) settle(out);
        },
      });
      // Ended while subscribing (settle's completion ran the teardown below before `upstream` was set).
      if (ended) upstream.unsubscribe();
      return () => {
        ended = true;
        job.stop = NOOP;
        upstream?.unsubscribe();
      };
    });
  }

  /**
   * The error answer to a request, carrying its id as the host wrote it (a number beyond 2^53 or
   * 1e400 does not survive JSON.parse), with configured secrets redacted.
   */
  private errorLine(err: unknown, req: RequestMessage): OutputLine {
    const answer = errorForRequest(err, req.id);
    let line = JSON.stringify(answer);
    if (typeof req.id === 'number') {
      // A message classified from its bytes carries the id's text already (no decode, no rescan).
      const idText = req.scan?.id?.text ?? idTextOf(req.text);
      if (idText !== undefined) line = `{"jsonrpc":"2.0","id":${idText},"error":${JSON.stringify(answer.error)}}`;
    }
    return this.options.redact ? this.options.redact(line) : line;
  }

  /** Notifications and the host's answers to server requests: failures are only logged. */
  private oneWay(msg: ClassifiedMessage): Observable<OutputLine> {
    const what = msg.kind === 'notification' ? msg.method : `response to ${JSON.stringify(msg.kind === 'response' ? msg.id : null)}`;
    return this.connection.send(msg).pipe(
      map((reply) => this.otherMessage(reply)),
      filter((line): line is OutputLine => line !== undefined),
      takeUntil(this.stopAll$),
      catchError((err: unknown) => {
        this.logger.warn(`${what} was not delivered: ${(err as Error).message}`);
        return EMPTY;
      }),
    );
  }

  /**
   * A message on a POST stream that is not the answer to that POST: forwarded, unless it is an
   * answer (with an id), which goes through `serverMessage` to count once, for its own id.
   */
  private otherMessage(m: ClassifiedMessage): OutputLine | undefined {
    if (!isAnswer(m)) return lineOf(m);
    this.serverMessage(m);
    return undefined;
  }

  /**
   * A message from the GET stream, or an answer that came on another request's stream. An answer
   * to a request still in flight counts as that request's answer and ends it; an answer to an id
   * already answered, cancelled, or never sent by the host is dropped, so that the host never sees
   * two answers for one id, nor one it did not ask for.
   */
  private serverMessage(m: ClassifiedMessage): void {
    if (isAnswer(m)) {
      const key = idKey(m.id);
      const job = this.jobs.get(key);
      if (job && !job.answered && !job.cancelled) {
        job.answered = true;
        this.remember(key);
        this.direct$.next(lineOf(m));
        job.stop();
        return;
      }
      this.logger.warn(
        this.answeredIds.has(key) || job?.cancelled
          ? `dropped a second answer from the server for request ${JSON.stringify(m.id)}`
          : `dropped an answer from the server for id ${JSON.stringify(m.id)}, which no request of the host carries`,
      );
      return;
    }
    this.direct$.next(lineOf(m));
  }

  private remember(key: string): void {
    this.answeredIds.delete(key);
    this.answeredIds.add(key);
    if (this.answeredIds.size > ANSWERED_MEMORY) this.answeredIds.delete(this.answeredIds.values().next().value as string);
  }

  /** Stops the request a `notifications/cancelled` names; says which era it was of, when known. */
  private cancel(params: unknown): 'modern' | 'legacy' | undefined {
    const id = match(params)
      .with({ requestId: P.union(P.string, P.number) }, (p) => p.requestId)
      .otherwise(() => undefined);
    if (id === undefined) return undefined;
    const job = this.jobs.get(idKey(id));
    if (!job) return undefined;
    const era = job.modern ? 'modern' : 'legacy';
    if (job.answered) return era;
    this.logger.info(`request ${JSON.stringify(id)} cancelled by the host: aborting it upstream`);
    job.cancelled = true;
    // A late answer (on the GET stream) must not reach the host either.
    this.remember(idKey(id));
    job.stop();
    return era;
  }

  /** Closes every stream meant to stay open; each is answered with a shutdown error (no request is left unanswered). */
  private closeStreams(): void {
    for (const job of this.jobs.values()) {
      if (job.longLived && !job.answered && !job.cancelled) {
        this.logger.info(`input ended: closing the ${job.method} stream of request ${JSON.stringify(job.id)}`);
        job.expired = true;
        job.stop();
      }
    }
  }

  /** The shutdown deadline: every request still open is stopped, and answered by `lastWord`. */
  private expireAll(): void {
    for (const job of this.jobs.values()) {
      if (!job.answered && !job.cancelled) {
        this.logger.warn(`request ${JSON.stringify(job.id)} (${job.method}) still open at the shutdown deadline`);
        job.expired = true;
        job.stop();
      }
    }
  }

  private logFailure(method: string, id: JsonRpcId, err: unknown): void {
    const status = err instanceof HttpStatusError ? err.status : undefined;
    this.logger.warn(`${method} (id ${JSON.stringify(id)}) failed: ${(err as Error).message}`);
    if (status === 401 || status === 403) this.logger.warn(`HTTP ${status}: check the credentials given with --auth / MCP_AUTH or --header`);
  }
}

/** What goes to stdout for a server message: its original bytes when they can go as they are. */
function lineOf(m: ClassifiedMessage): OutputLine {
  return m.raw ?? m.text;
}

function unreachable(m: never): never {
  throw new Error(`unknown message kind ${JSON.stringify((m as ClassifiedMessage).kind)}`);
}
