import { Observable, catchError, defer, from, merge, switchMap, tap, throwError } from 'rxjs';
import type { ClassifiedMessage } from '../../operators';
import type { Logger } from '../log/logger';
import { HttpStatusError } from '../core/errors';
import { isSpecErrorCode } from '../protocol/meta';
import type { McpConnection } from '../core/connection';

/** Statuses of an initialize POST that mean "no Streamable HTTP here" (MCP backwards compatibility). */
const FALLBACK_STATUSES = new Set([400, 404, 405]);

/**
 * A JSON-RPC error by which a modern (2026-07-28) Streamable HTTP server refuses a request
 * (streamable-http.md, "Backward Compatibility"): codes -32020 to -32099 (reserved for the MCP
 * specification: HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion), or
 * -32601 with 404 (method not found). The server speaks Streamable HTTP: no legacy fallback, the
 * error goes to the host as it is.
 */
function isModernError(err: HttpStatusError): boolean {
  const code = err.jsonRpcError?.code;
  if (code === undefined) return false;
  return isSpecErrorCode(code) || (err.status === 404 && code === -32601);
}

/**
 * `--transport auto`: Streamable HTTP first; if the first initialize POST fails with 400, 404 or
 * 405, the server is taken to be a legacy HTTP+SSE one and that initialize, and everything after
 * it, goes through the legacy client. Messages written while the probe is under way wait for
 * its outcome, so none goes to the wrong transport. If the legacy attempt fails too, the host
 * sees the original Streamable HTTP error, the more telling one.
 */
export class AutoConnection implements McpConnection {
  private mode: 'probe' | 'streamable' | 'legacy' = 'probe';
  private decided: Promise<void> | undefined;
  readonly serverMessages$: Observable<ClassifiedMessage>;

  constructor(
    private readonly streamable: McpConnection,
    private readonly legacy: McpConnection,
    private readonly logger: Logger,
  ) {
    this.serverMessages$ = merge(streamable.serverMessages$, legacy.serverMessages$);
  }

  send(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return defer(() => {
      if (this.mode === 'probe' && this.decided === undefined && message.kind === 'request' && message.method === 'initialize') {
        return this.probe(message);
      }
      if (this.decided !== undefined && this.mode === 'probe') return from(this.decided).pipe(switchMap(() => this.route(message)));
      return this.route(message);
    });
  }

  async close(deadlineMs?: number): Promise<void> {
    await Promise.all([this.streamable.close(deadlineMs), this.legacy.close(deadlineMs)]);
  }

  private route(message: ClassifiedMessage): Observable<ClassifiedMessage> {
    return this.mode === 'legacy' ? this.legacy.send(message) : this.streamable.send(message);
  }

  private probe(init: ClassifiedMessage): Observable<ClassifiedMessage> {
    let settle!: () => void;
    this.decided = new Promise<void>((resolve) => (settle = resolve));
    const decide = (mode: 'streamable' | 'legacy') => {
      if (this.mode === 'probe') {
        this.mode = mode;
        settle();
      }
    };
    return this.streamable.send(init).pipe(
      tap({ next: () => decide('streamable'), complete: () => decide('streamable') }),
      catchError((err: unknown) => {
        if (!(err instanceof HttpStatusError) || !FALLBACK_STATUSES.has(err.status) || isModernError(err) || this.mode !== 'probe') {
          decide('streamable');
          return throwError(() => err);
        }
        this.logger.info(`initialize POST got HTTP ${err.status}: trying the legacy HTTP+SSE transport`);
        this.mode = 'legacy';
        return this.legacy.send(init).pipe(
          tap({ next: () => settle(), complete: () => settle() }),
          catchError((legacyErr: unknown) => {
            this.logger.info(`legacy HTTP+SSE transport failed too: ${(legacyErr as Error).message}`);
            this.mode = 'streamable';
            settle();
            return throwError(() => err);
          }),
        );
      }),
    );
  }
}
