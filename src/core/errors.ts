import type { JsonRpcErrorObject } from '../../operators';

/**
 * Every failure the layers report, typed, so that one mapping (error-response.ts) turns each into
 * one JSON-RPC error for the request's id, and so that the retry policy can tell "nothing was sent
 * back yet" (safe to retry) from "the server already answered" (never retried).
 */

/** The server answered with a non-2xx status. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** First KiB of the body, decoded: enough to show an HTML error page's gist. */
    readonly bodySnippet: string,
    /** The body's JSON-RPC error object, when the body was a JSON-RPC error response. */
    readonly jsonRpcError?: JsonRpcErrorObject,
    /**
     * A 502/504 (or 503 without Retry-After) for a request that is not safe to repeat: a gateway
     * says this also after the upstream ran it, so it was not sent again (see http/retry.ts).
     */
    readonly mayHaveRun = false,
  ) {
    super(`HTTP ${status}${statusText ? ' ' + statusText : ''}`);
    this.name = 'HttpStatusError';
  }
}

/** The server sent text that is not JSON, or JSON that is not a JSON-RPC 2.0 message. */
export class UpstreamProtocolError extends Error {
  constructor(
    message: string,
    readonly snippet: string,
  ) {
    super(message);
    this.name = 'UpstreamProtocolError';
  }
}

/** The response ended (and could not be resumed) before the answer to the request arrived. */
export class NoResponseError extends Error {
  constructor(message = 'the server closed the response without answering the request') {
    super(message);
    this.name = 'NoResponseError';
  }
}

/** No message for the request within the response timeout. */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs / 1000} s`);
    this.name = 'RequestTimeoutError';
  }
}

/** A 404 on a request that carried a session id: the session expired or the server restarted. */
export class SessionExpiredError extends Error {
  constructor(readonly generation: number) {
    super('HTTP 404: the MCP session expired');
    this.name = 'SessionExpiredError';
  }
}

/** The legacy HTTP+SSE transport could not be set up (no stream, no `endpoint` event, foreign origin). */
export class LegacyTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacyTransportError';
  }
}

/** Thrown into requests still open when the shutdown deadline passes. */
export class ShutdownError extends Error {
  constructor() {
    super('the bridge shut down before the server answered');
    this.name = 'ShutdownError';
  }
}

/** The `code` of an error, following `cause` chains (axios wraps the socket error). */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST') {
      if (code !== 'ERR_NETWORK' || !(e as { cause?: unknown }).cause) return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL/;

/** A short human description of a network error, naming TLS when that is the cause. */
export function describeNetworkError(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code && /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA/.test(code)) {
    return `TLS error: the server refused the client certificate: ${message} (${code}); check --client-cert and --client-key`;
  }
  if (code && TLS_CODE.test(code)) return `TLS error: ${message} (${code}); pass --tls-cert <ca.pem> for a private CA`;
  if (code === 'ECONNECTTIMEOUT') return `could not connect: ${message}`;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
