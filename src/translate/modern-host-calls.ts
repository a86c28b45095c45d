/**
 * One upstream request of a 2026-07-28 host on a 2025 server, able to outlive the host request
 * that started it: MCP 2026-07-28 has no server→client requests, so a 2025 server's
 * `elicitation/create` (or `sampling/createMessage`, `roots/list`) during a call becomes an
 * `InputRequiredResult` answer to the host (basic/patterns/mrtr.md) while the upstream call stays
 * open ("parked"); the host's retry (a new id, with `inputResponses` and our `requestState`)
 * answers the server's requests and continues the same call. Each host request attached to the
 * call is a "leg": the first request, then every retry.
 */
import {
  EMPTY,
  Observable,
  Subject,
  concat,
  defer,
  dematerialize,
  finalize,
  from,
  map,
  materialize,
  mergeMap,
  of,
  takeWhile,
  tap,
  timer,
  type ObservableNotification,
  type Subscription,
} from 'rxjs';
import { match, P } from 'ts-pattern';
import { ErrorCode, type ClassifiedMessage, type JsonRpcId } from '../../operators';
import { META } from '../protocol/meta';
import { answerHost, bodyOf, completeResult, isObject, metaOf, type Request, type Response } from './modern-host-messages';

/** Server→client requests a 2026 host answers through MRTR `inputRequests` (mrtr.md). */
export const INPUT_METHODS: ReadonlySet<string> = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);
/** The client capability each input request needs (client/elicitation.md, sampling.md, roots.md). */
const CAPABILITY_OF: Readonly<Record<string, string>> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

/** Whether the host declared, in this request's `_meta`, the capability a server request needs. */
function hostCan(host: Request, method: string): boolean {
  const capabilities = metaOf(host)[META.clientCapabilities];
  return isObject(capabilities) && isObject(capabilities[CAPABILITY_OF[method]]);
}

/** The only requests that may answer `input_required` (mrtr.md). */
export const MRTR_METHODS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** What a call needs from the translator around it. */
export interface CallHooks {
  /** Posts the translator's answer to a server request upstream (a JSON-RPC response). */
  answerServer(id: JsonRpcId, body: { result: unknown } | { error: { code: number; message: string } }): Observable<never>;
  /** The host gave up on the call (cancelled, timed out, never retried): tell the 2025 server. */
  cancelUpstream(call: UpstreamCall, reason: string): void;
  /** The call is over (answered, failed or aborted): forget its requestState. */
  settled(call: UpstreamCall): void;
  log(message: string): void;
}

export interface CallOptions {
  /** How long input requests that arrive together are collected into one InputRequiredResult. */
  collectMs: number;
  /** How long a parked call waits for the host's retry before it is aborted. */
  parkTimeoutMs: number;
}

/** A server request waiting for the host's answer, under the key the host was given. */
interface InputRequest {
  serverId: JsonRpcId;
  method: string;
  params: unknown;
}

/** One message for the host, and whether it answers the leg's request (ending the leg). */
interface LegOutput {
  message: ClassifiedMessage;
  answers: boolean;
}

export class UpstreamCall {
  /** Upstream events while no leg is attached (parked, or a retry posting its answers). */
  private readonly held: ObservableNotification<ClassifiedMessage>[] = [];
  private live: Subject<ObservableNotification<ClassifiedMessage>> | undefined;
  /** A leg owns the call from its start (a second retry with the same requestState is refused). */
  private claimed = false;
  private upstream: Subscription | undefined;
  private expiry: Subscription | undefined;
  /** The input requests the host was last asked, by key; answered by its retry. */
  private readonly asked = new Map<string, InputRequest>();
  private keys = 0;
  private over = false;
  /** The host's progress token upstream (the first leg's): later legs see progress under their own. */
  private readonly upstreamProgressToken: unknown;
  /** The host request currently attached, for `notifications/cancelled` naming it. */
  hostId: JsonRpcId | undefined;

  constructor(
    /** The opaque `requestState` the host echoes on its retry. */
    readonly token: string,
    readonly upstreamId: string,
    readonly method: string,
    first: Request,
    private readonly hooks: CallHooks,
    private readonly options: CallOptions,
  ) {
    this.upstreamProgressToken = metaOf(first).progressToken;
  }

  /** Whether server requests from the GET stream may be taken as this call's. */
  get acceptsInput(): boolean {
    return !this.over && MRTR_METHODS.has(this.method);
  }

  get busy(): boolean {
    return this.claimed;
  }

  /** Starts the upstream request; its messages are held until a leg takes them. */
  start(replies$: Observable<ClassifiedMessage>): void {
    this.upstream = replies$.pipe(materialize()).subscribe((event) => this.deliver(event));
  }

  /** A message that belongs to this call though it came another way (a server request on the GET stream). */
  push(m: ClassifiedMessage): void {
    if (!this.over) this.deliver({ kind: 'N', value: m });
  }

  /** The first leg: the host request that started the call. */
  firstLeg(host: Request): Observable<ClassifiedMessage> {
    this.claimed = true;
    return this.leg(host);
  }

  /**
   * A retry: answers the server's requests with the host's `inputResponses` (a missing one with an
   * error, so that the server does not wait forever), then continues the call under the retry's id.
   */
  retryLeg(host: Request, inputResponses: Record<string, unknown>): Observable<ClassifiedMessage> {
    this.claimed = true;
    this.expiry?.unsubscribe();
    const answers = [...this.asked].map(([key, input]) =>
      key in inputResponses
        ? this.hooks.answerServer(input.serverId, { result: inputResponses[key] })
        : this.hooks.answerServer(input.serverId, { error: { code: ErrorCode.InvalidParams, message: `the host gave no answer for input request ${JSON.stringify(key)}` } }),
    );
    this.asked.clear();
    let continued = false;
    return concat(
      from(answers).pipe(mergeMap((answer) => answer)),
      defer(() => {
        continued = true;
        return this.leg(host);
      }),
    ).pipe(
      // The answers could not be posted, or the host left meanwhile: the server would wait forever.
      finalize(() => continued || this.abort('the answers to its requests could not be delivered')),
    );
  }

  /** Aborts the upstream request and tells the server (the host will not retry, or left). */
  abort(reason: string): void {
    if (this.over) return;
    this.end();
    this.hooks.cancelUpstream(this, reason);
  }

  /**
   * One leg: the call's messages under the host request's id until its answer, which is either the
   * server's final answer or an InputRequiredResult for the server requests that came meanwhile.
   */
  private leg(host: Request): Observable<ClassifiedMessage> {
    return defer(() => {
      let answered = false;
      let failed = false;
      let collecting = false;
      const live = new Subject<ObservableNotification<ClassifiedMessage>>();
      const backlog = this.held.splice(0);
      this.live = live;
      this.hostId = host.id;
      const hostToken = metaOf(host).progressToken;
      const step = (m: ClassifiedMessage): Observable<LegOutput> =>
        match(m)
          .with({ kind: 'response' }, (r) => (r.id === this.upstreamId ? of({ message: this.finalAnswer(host, r), answers: true }) : EMPTY))
          .with({ kind: 'request' }, (r) => {
            if (!INPUT_METHODS.has(r.method) || !MRTR_METHODS.has(this.method)) return this.refuse(r);
            if (!hostCan(host, r.method)) return this.undeclared(r);
            this.asked.set(this.keyFor(r.method), { serverId: r.id, method: r.method, params: r.message.params });
            if (collecting) return EMPTY;
            collecting = true;
            // Requests the server sends together (Promise.all of elicitations) go out as one map.
            return timer(this.options.collectMs).pipe(map(() => ({ message: this.inputRequired(host), answers: true })));
          })
          .with({ kind: 'notification' }, (n) => of({ message: this.progressFor(n, hostToken), answers: false }))
          .otherwise(() => EMPTY);
      return concat(from(backlog), live).pipe(
        dematerialize(),
        mergeMap(step),
        takeWhile((out) => !out.answers, true),
        tap({
          next: (out) => (answered ||= out.answers),
          error: () => (failed = true),
          // The upstream request ended without an answer: nothing is left to continue.
          complete: () => (failed ||= !answered),
        }),
        map((out) => out.message),
        finalize(() => this.detach(answered, failed)),
      );
    });
  }

  /** A leg ended: parked (input required), done, failed, or abandoned by the host. */
  private detach(answered: boolean, failed: boolean): void {
    this.live = undefined;
    this.claimed = false;
    this.hostId = undefined;
    if (this.over) return;
    if (failed) return this.end();
    if (!answered) return this.abort('the host cancelled the request');
    if (this.asked.size === 0) return this.end();
    this.expiry = timer(this.options.parkTimeoutMs).subscribe(() => {
      this.hooks.log(`no retry for requestState ${this.token} within ${this.options.parkTimeoutMs} ms: aborting upstream request ${this.upstreamId}`);
      this.abort('the host did not answer the input requests in time');
    });
  }

  private end(): void {
    this.over = true;
    this.expiry?.unsubscribe();
    this.upstream?.unsubscribe();
    this.held.length = 0;
    this.hooks.settled(this);
  }

  private deliver(event: ObservableNotification<ClassifiedMessage>): void {
    if (this.live) this.live.next(event);
    else this.held.push(event);
  }

  private finalAnswer(host: Request, answer: Response): Response {
    const body = bodyOf(answer);
    return answerHost(host, 'result' in body ? { result: completeResult(this.method, body.result) } : body);
  }

  private inputRequired(host: Request): Response {
    const inputRequests: Record<string, { method: string; params?: unknown }> = {};
    for (const [key, input] of this.asked) inputRequests[key] = { method: input.method, ...(input.params !== undefined ? { params: input.params } : {}) };
    return answerHost(host, { result: { resultType: 'input_required', inputRequests, requestState: this.token } });
  }

  /** A server request the host cannot be asked through MRTR (a ping, or during a request that cannot answer input_required). */
  private refuse(r: Request): Observable<never> {
    if (r.method === 'ping') return this.hooks.answerServer(r.id, { result: {} });
    this.hooks.log(`server request ${r.method} during ${this.method} cannot reach a 2026-07-28 host: refused`);
    return this.hooks.answerServer(r.id, { error: { code: ErrorCode.MethodNotFound, message: `${r.method} cannot be asked of the client during ${this.method}` } });
  }

  /**
   * A server request for a capability the host did not declare on this request: asking would fail
   * on the host's side (or hang it), so the server is told, as a 2025 client without it would.
   */
  private undeclared(r: Request): Observable<never> {
    const capability = CAPABILITY_OF[r.method];
    this.hooks.log(`server request ${r.method} during ${this.method}: the host did not declare the ${capability} capability`);
    return this.hooks.answerServer(r.id, { error: { code: ErrorCode.MethodNotFound, message: `the client did not declare the ${capability} capability (${r.method})` } });
  }

  private keyFor(method: string): string {
    return `${method.split('/')[0]}-${++this.keys}`;
  }

  /**
   * Progress of the call, under the current leg's progress token: the host's retry is a new
   * request that may carry a token of its own, while the server keeps the first one.
   */
  private progressFor(n: Extract<ClassifiedMessage, { kind: 'notification' }>, hostToken: unknown): ClassifiedMessage {
    const params = n.message.params;
    if (n.method !== 'notifications/progress' || hostToken === undefined || !isObject(params)) return n;
    if (params.progressToken !== this.upstreamProgressToken || hostToken === this.upstreamProgressToken) return n;
    const message = { ...n.message, params: { ...params, progressToken: hostToken } };
    return { kind: 'notification', method: n.method, message, text: JSON.stringify(message) };
  }
}

/** `requestState` and `inputResponses` of a host's MRTR retry, when the request is one. */
export function retryOf(r: Request): { requestState: string; inputResponses: Record<string, unknown> } | undefined {
  return match(r.message.params)
    .with({ requestState: P.string }, (p) => {
      const responses = (p as { inputResponses?: unknown }).inputResponses;
      return { requestState: p.requestState, inputResponses: isObject(responses) ? responses : {} };
    })
    .otherwise(() => undefined);
}
