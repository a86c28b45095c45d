import { BehaviorSubject, Observable, catchError, defer, finalize, from, map, switchMap, throwError } from 'rxjs';
import type { ClassifiedMessage } from '../../operators';
import { isAnswerTo } from '../core/answers';
import type { McpConnection } from '../core/connection';
import { HttpStatusError } from '../core/errors';
import type { Logger } from '../log/logger';
import { isModernMessage, isModernVersion, isSpecErrorCode } from '../protocol/meta';

/** `--protocol`: translate between MCP revisions when host and server share none (auto), or never. */
export type ProtocolMode = 'auto' | 'passthrough';

/** The two translations, each a connection over the transport's (src/translate/*). */
export interface Translators {
  /** A 2025 host (initialize handshake) on a server that speaks only 2026-07-28 or later. */
  legacyHostOnModernServer?(inner: McpConnection): McpConnection;
  /** A 2026-07-28 host (stateless, per-request _meta) on a server that speaks only the 2025 revisions. */
  modernHostOnLegacyServer?(inner: McpConnection): McpConnection;
}

/** The host's first message answered in a way that says the server speaks another era. */
class OtherEra extends Error {}

/**
 * Picks pass-through or a translation from the host's first request and the server's answer to
 * it, with no extra round trip: hosts and servers that share a revision talk through unchanged
 * (a dual-era host lands where it would direct), and only a mismatch switches to a translator:
 * - a 2025 host's `initialize` refused with `-32022 Unsupported protocol version` whose
 *   `supported` list holds only modern versions: the server is 2026-only;
 * - a 2026 host's request (its `server/discover` probe, usually) refused with 400/404/405 without
 *   a modern JSON-RPC error in the body (a 2025 server: "not initialized", no such endpoint), or
 *   `server/discover` answered `-32601 Method not found`: the server is 2025-only.
 * The translator then handles that first message itself; messages written meanwhile wait for the
 * decision, so that none goes to the wrong side.
 */
export class EraRouter implements McpConnection {
  private readonly route$: BehaviorSubject<McpConnection>;
  private decision: Promise<void> | undefined;
  private decided = false;
  readonly serverMessages$: Observable<ClassifiedMessage>;

  constructor(
    private readonly base: McpConnection,
    private readonly translators: Translators,
    private readonly logger: Logger,
    mode: ProtocolMode = 'auto',
  ) {
    this.route$ = new BehaviorSubject(base);
    this.serverMessages$ = this.route$.pipe(switchMap((connection) => connection.serverMessages$));
    if (mode === 'passthrough') this.decided = true;
  }

  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return defer(() => {
      if (this.decided) return this.route$.value.send(message);
      if (this.decision !== undefined) return from(this.decision).pipe(switchMap(() => this.route$.value.send(message)));
      if (!isEraProbe(message)) return this.base.send(message);
      return this.probe(message as Extract<ClassifiedMessage, { kind: 'request' }>);
    });
  }

  close(deadlineMs?: number): Promise<void> {
    return this.route$.value.close(deadlineMs);
  }

  private probe(first: Extract<ClassifiedMessage, { kind: 'request' }>): Observable<ClassifiedMessage> {
    let settle!: () => void;
    this.decision = new Promise<void>((resolve) => (settle = resolve));
    const decide = (connection: McpConnection) => {
      if (this.decided) return;
      this.decided = true;
      if (connection !== this.base) this.route$.next(connection);
      settle();
    };
    return this.base.send(first).pipe(
      map((reply) => {
        if (isAnswerTo(reply, first.id)) {
          if (answerSaysOtherEra(first, reply)) throw new OtherEra();
          decide(this.base);
        }
        return reply;
      }),
      catchError((err: unknown) => {
        const translator = this.decided ? undefined : this.translatorFor(first, err);
        if (translator === undefined) {
          decide(this.base);
          return throwError(() => err);
        }
        decide(translator);
        return translator.send(first);
      }),
      finalize(() => decide(this.base)),
    );
  }

  private translatorFor(first: Extract<ClassifiedMessage, { kind: 'request' }>, err: unknown): McpConnection | undefined {
    const { legacyHostOnModernServer, modernHostOnLegacyServer } = this.translators;
    if (legacyHostOnModernServer && first.method === 'initialize' && (err instanceof OtherEra || (err instanceof HttpStatusError && onlyModernSupported(err.jsonRpcError)))) {
      this.logger.info('the server speaks only MCP 2026-07-28 or later and the host the 2025 handshake: translating');
      return legacyHostOnModernServer(this.base);
    }
    if (modernHostOnLegacyServer && isModernMessage(first) && (err instanceof OtherEra || (err instanceof HttpStatusError && isLegacyRefusal(err)))) {
      this.logger.info('the server speaks only the 2025 revisions and the host MCP 2026-07-28: translating');
      return modernHostOnLegacyServer(this.base);
    }
    return undefined;
  }
}

/** A message whose answer tells the server's era: a 2025 `initialize`, or any 2026 request. */
function isEraProbe(m: ClassifiedMessage): boolean {
  return m.kind === 'request' && (m.method === 'initialize' || isModernMessage(m));
}

/** A 2xx answer that is an error saying the server is of the other era. */
function answerSaysOtherEra(first: Extract<ClassifiedMessage, { kind: 'request' }>, reply: ClassifiedMessage): boolean {
  if (reply.kind !== 'response' || !('error' in reply.message)) return false;
  const error = reply.message.error;
  if (first.method === 'initialize') return onlyModernSupported(error);
  // Every 2026 server implements server/discover: "method not found" is a 2025 server's answer.
  return first.method === 'server/discover' && error.code === -32601;
}

/** `-32022` whose `data.supported` lists only modern (2026-07-28 or later) versions. */
function onlyModernSupported(error: { code: number; data?: unknown } | undefined): boolean {
  if (error?.code !== -32022) return false;
  const supported = (error.data as { supported?: unknown } | undefined)?.supported;
  return Array.isArray(supported) && supported.length > 0 && supported.every((v) => typeof v === 'string' && isModernVersion(v));
}

/**
 * A 2026 request refused the way a 2025 server refuses it: 400 (no session), 404 or 405 (no such
 * endpoint), with no modern JSON-RPC error in the body (-32020 to -32099, or -32601 / -32602 that a
 * modern server uses for an unknown method or a bad `_meta` envelope).
 */
function isLegacyRefusal(err: HttpStatusError): boolean {
  if (err.status !== 400 && err.status !== 404 && err.status !== 405) return false;
  const code = err.jsonRpcError?.code;
  if (code === undefined) return true;
  return !(isSpecErrorCode(code) || code === -32601 || code === -32602);
}
