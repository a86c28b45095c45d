import { EMPTY, catchError, from, lastValueFrom, map, mergeMap, of, type Observable } from 'rxjs';
import { classifyJsonRpc, classifyValue, membersOf, type ClassifiedMessage } from '../../operators';
import { isAnswerTo } from '../core/answers';
import { DEFAULTS, userAgent } from '../core/defaults';
import { errorForRequest } from '../core/error-response';
import type { TransportMode } from '../core/transport-mode';
import { HttpTransport } from '../http/http-transport';
import { Logger } from '../log/logger';
import { createConnection } from '../session/create-connection';
import { packageVersion } from '../version';

export interface ForwardOptions {
  url: string;
  /** Authorization header value (the original's `auth_header`). */
  auth?: string;
  headers?: Record<string, string>;
  /** Response timeout in milliseconds, as everywhere in the library. Default 60 000. */
  timeoutMs?: number;
  /** @deprecated The original's MCP_TOOL_CALL_TIMEOUT, in seconds; `timeoutMs` wins. */
  timeout?: number;
  contentType?: string;
  /** 'auto' (default) falls back to the legacy HTTP+SSE transport, as the CLI does. */
  transport?: TransportMode;
  /** Where each message line goes; stdout by default, as in the original. */
  write?: (line: string) => void;
}

/**
 * The counterpart of mcpgateway.wrapper's `forward_once(client, settings, payload)`: sends one
 * JSON-RPC payload (object or text; a batch is taken apart as the CLI does) and writes every
 * message of the answer as one line. Unlike the original, each request gets exactly one answer
 * carrying its id (never "bridge"): the server's, or a JSON-RPC error; a notification's failure
 * writes nothing. No session is kept between calls: use `createMcpHttpClient` for a conversation.
 */
export async function forwardRequest(payload: object | string, options: ForwardOptions): Promise<void> {
  const write = options.write ?? ((line: string) => void process.stdout.write(line + '\n'));
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const message = typeof payload === 'string' ? classifyJsonRpc(text) : classifyValue(payload, text);
  const messages = message.kind === 'batch' ? membersOf(message.items, message.text) : [message];
  const logger = Logger.silent();
  const headers = { ...options.headers, ...(options.auth ? { Authorization: options.auth } : {}) };
  const transport = new HttpTransport(
    { maxSockets: DEFAULTS.concurrency, idleTimeoutMs: 1000, connectTimeoutMs: DEFAULTS.connectTimeoutMs, insecure: false, http2: false, userAgent: userAgent(packageVersion()), sensitiveHeaders: Object.keys(headers) },
    logger,
  );
  const connection = createConnection(options.transport ?? DEFAULTS.transport, {
    url: options.url,
    headers,
    contentType: options.contentType ?? DEFAULTS.contentType,
    timeoutMs: options.timeoutMs ?? (options.timeout !== undefined ? options.timeout * 1000 : DEFAULTS.timeoutMs),
    maxMessageBytes: DEFAULTS.maxMessageBytes,
    retry: DEFAULTS.retry,
    serverStream: false,
    logger,
    send: (request) => transport.send(request),
  });
  /** Every line one message gives: its answer (or the error in its place), and what came with it. */
  const linesOf = (m: ClassifiedMessage): Observable<string> => {
    if (m.kind === 'invalid') return of(JSON.stringify(m.error));
    if (m.kind === 'batch') return EMPTY;
    let answered = false;
    return connection.send(m).pipe(
      map((reply) => {
        if (m.kind === 'request' && isAnswerTo(reply, m.id)) answered = true;
        return reply.text;
      }),
      catchError((err: unknown) => (m.kind === 'request' && !answered ? of(JSON.stringify(errorForRequest(err, m.id))) : EMPTY)),
    );
  };
  try {
    await lastValueFrom(from(messages).pipe(mergeMap(linesOf, DEFAULTS.concurrency), map(write)), { defaultValue: undefined });
  } finally {
    await connection.close(DEFAULTS.closeDeadlineMs);
  }
}
