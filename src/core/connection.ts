import type { Observable } from 'rxjs';
import type { ClassifiedMessage } from '../../operators';

/**
 * What the bridge needs from an MCP transport client (Streamable HTTP, or legacy HTTP+SSE):
 * `send` returns every message the server sends back for one host message (for a request,
 * completing after its answer; erroring with a typed error when there is none), and
 * `serverMessages$` carries the server-initiated ones.
 */
export interface McpConnection {
  send(message: ClassifiedMessage): Observable<ClassifiedMessage>;
  readonly serverMessages$: Observable<ClassifiedMessage>;
  close(deadlineMs?: number): Promise<void>;
}
