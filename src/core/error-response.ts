import { match, P } from 'ts-pattern';
import { errorResponse, ErrorCode, FrameTooLargeError, type JsonRpcErrorResponse, type JsonRpcId } from '../../operators';
import {
  describeNetworkError,
  errorCode,
  HttpStatusError,
  LegacyTransportError,
  NoResponseError,
  RequestTimeoutError,
  SessionExpiredError,
  ShutdownError,
  UpstreamProtocolError,
} from './errors';

/**
 * The one JSON-RPC error a failed request is answered with, always carrying the request's id.
 * Codes: the server's own JSON-RPC error when its non-2xx body was one; -32001 for a timeout;
 * -32000 for every upstream failure (HTTP status, network, invalid JSON, over-size, no answer),
 * never the HTTP status itself; -32603 for failures inside the bridge.
 */
export function errorForRequest(err: unknown, id: JsonRpcId): JsonRpcErrorResponse {
  return match(err)
    .with(P.instanceOf(HttpStatusError), (e) =>
      e.jsonRpcError
        ? { jsonrpc: '2.0' as const, id, error: e.jsonRpcError }
        : errorResponse(id, ErrorCode.ServerError, `${e.message}${e.bodySnippet ? ': ' + oneLine(e.bodySnippet, 200) : ''}${e.mayHaveRun ? MAY_HAVE_RUN : ''}`, {
            status: e.status,
            body: e.bodySnippet,
            ...(e.mayHaveRun ? { mayHaveRun: true } : {}),
          }),
    )
    // A failure after a request that is not safe to repeat reached the server (http/retry.ts).
    .with({ mayHaveRun: true }, (e) =>
      errorResponse(id, ErrorCode.ServerError, `Upstream request failed: ${(e as unknown as Error).message}`, { mayHaveRun: true, ...codeOf(e) }),
    )
    .with(P.instanceOf(RequestTimeoutError), (e) =>
      errorResponse(id, ErrorCode.RequestTimeout, `Request timed out: ${e.message} (--timeout)`, { timeoutMs: e.timeoutMs }),
    )
    .with(P.instanceOf(UpstreamProtocolError), (e) => errorResponse(id, ErrorCode.ServerError, `Invalid response: ${e.message}`, { body: e.snippet }))
    .with(P.instanceOf(FrameTooLargeError), (e) =>
      errorResponse(id, ErrorCode.ServerError, `Response too large: ${e.message} (--max-message-bytes)`, { limit: e.limit }),
    )
    .with(P.instanceOf(NoResponseError), (e) => errorResponse(id, ErrorCode.ServerError, `No response: ${e.message}`))
    .with(P.instanceOf(LegacyTransportError), (e) => errorResponse(id, ErrorCode.ServerError, `Legacy HTTP+SSE transport: ${e.message}`))
    .with(P.instanceOf(SessionExpiredError), (e) => errorResponse(id, ErrorCode.ServerError, e.message))
    .with(P.instanceOf(ShutdownError), (e) => errorResponse(id, ErrorCode.InternalError, e.message))
    .otherwise((e) => {
      const code = errorCode(e);
      return code !== undefined
        ? errorResponse(id, ErrorCode.ServerError, `Upstream request failed: ${describeNetworkError(e)}`, { code })
        : errorResponse(id, ErrorCode.InternalError, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
}

const MAY_HAVE_RUN = ' (not sent again: a gateway answers so also after the server ran the request, so the tool may have run)';

function codeOf(err: unknown): { code?: string } {
  const code = errorCode(err);
  return code === undefined ? {} : { code };
}

/** A body as a short one-line phrase; markup (an HTML error page) is reduced to its text. */
function oneLine(text: string, max: number): string {
  const plain = text.startsWith('<') ? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ') : text;
  const flat = plain.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}
