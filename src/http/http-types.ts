import type { Observable } from 'rxjs';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';

/**
 * The HTTP exchange as the session layer sees it, with no Node type in it: the Node transport
 * (axios' http adapter) and the browser transport (axios' fetch adapter) both produce it.
 */
/** A request body: text, or UTF-8 bytes as segments (a large host message forwarded as received; see encodeMessageBody). */
export type RequestBody = string | readonly Uint8Array[];

export interface HttpRequest {
  method: 'POST' | 'GET' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
  signal: AbortSignal;
  /**
   * Which socket pool carries it. 'request' (the default): the pool sized to the request slots,
   * so that requests never use more sockets than `--concurrency`. 'side': a small pool of its own
   * for the GET stream, notifications, the host's answers to server requests and DELETE, which
   * then never wait for a socket held by a request (a tool call waiting on a sampling answer
   * would otherwise deadlock a full pool). 'stream': streams meant to stay open
   * (`subscriptions/listen`), in a pool of their own so that they hold neither a request's socket
   * nor one of the side lane's few.
   */
  lane?: 'request' | 'side' | 'stream';
  /**
   * True when sending the request twice does no harm even if the first one ran: initialize, ping,
   * server/discover, every *\/list, resources/read, prompts/get, completion/complete, and a
   * tools/call of a tool whose annotations say readOnlyHint or idempotentHint. Such a request is
   * retried after any failure that carries no answer (connection failures, 408, 429, 502, 503,
   * 504). False or absent (a tools/call of any other tool, an unknown method): it is sent again
   * only when it provably did not run (RFC 9110 §9.2.2); see retry-rules.ts. GET and DELETE are
   * idempotent by HTTP's own rules and are treated as repeatable whatever this says.
   */
  repeatable?: boolean;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: ResponseBody;
  /**
   * Set by sendWithRetry on a 502, 503 (without Retry-After) or 504 that answered a request that
   * is not repeatable: a gateway says this also when the upstream handler already ran, so the
   * request was not sent again, and the error the host gets must say the tool may have run.
   */
  mayHaveRun?: true;
}

export type SendHttp = (request: HttpRequest) => Promise<HttpResponse>;

/** A streamed response body. */
export interface ResponseBody {
  /**
   * The body's bytes, read only as fast as `gate` allows. Unsubscribing before the end destroys
   * the body (the server sees the connection drop) unless `release` says 'drain' (read the rest
   * quietly so that a keep-alive connection survives).
   */
  chunks(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<Uint8Array>;
  /** The same bytes decoded as UTF-8 text, incrementally, with the runtime's fastest decoder. */
  text(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<string>;
  /**
   * Decodes complete UTF-8 content held in segments (`length` bytes in all; invalid bytes become
   * U+FFFD) with the runtime's fastest decoder: a JSON body, or one SSE event's data.
   */
  decode(segments: readonly Uint8Array[], length: number): string;
  /** Reads and drops the rest: for bodies nobody needs (202, 405) on a keep-alive connection. */
  discard(): void;
  /** Aborts the body. */
  destroy(): void;
}
