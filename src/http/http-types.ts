import type { Observable } from 'rxjs';

/**
 * The HTTP exchange as the session layer sees it, with no Node type in it: the Node transport
 * (axios' http adapter) and the browser transport (axios' fetch adapter) both produce it.
 */
export interface HttpRequest {
  method: 'POST' | 'GET' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /**
   * Which socket pool carries it. 'request' (the default): the pool sized to the request slots,
   * so that requests never use more sockets than `--concurrency`. 'side': a small pool of its own
   * for the GET stream, notifications, the host's answers to server requests and DELETE, which
   * then never wait for a socket held by a request (a tool call waiting on a sampling answer
   * would otherwise deadlock a full pool).
   */
  lane?: 'request' | 'side';
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: ResponseBody;
}

export type SendHttp = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * Returns a promise while the consumer cannot take more (e.g. stdout awaits 'drain'), or
 * undefined when it can. Consulted after every chunk: this is how backpressure crosses from the
 * single stdout writer back to the socket a response is read from.
 */
export type BackpressureGate = () => Promise<void> | undefined;

/** What to do with a body that is unsubscribed from before its end. */
export type ReleaseMode = 'destroy' | 'drain';

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
