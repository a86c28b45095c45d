import { classifyJsonRpc, classifyValue, errorResponse, ErrorCode } from '../../operators';
import { errorForRequest } from '../bridge/error-response';
import { HttpTransport } from '../http/http-transport';
import { Logger } from '../log/logger';
import { StreamableHttpClient } from '../session/streamable-http-client';
import { packageVersion } from '../version';

export interface ForwardOptions {
  url: string;
  /** Authorization header value (the original's `auth_header`). */
  auth?: string;
  headers?: Record<string, string>;
  /** Response timeout in seconds (the original's MCP_TOOL_CALL_TIMEOUT). Default 60. */
  timeout?: number;
  contentType?: string;
  /** Where each message line goes; stdout by default, as in the original. */
  write?: (line: string) => void;
}

/**
 * The counterpart of mcpgateway.wrapper's `forward_once(client, settings, payload)`: sends one
 * JSON-RPC payload (object or text) and writes every message of the answer as one line. Unlike
 * the original, failures are written as one JSON-RPC error carrying the request's id (never
 * "bridge"), and a notification's failure writes nothing. No session is kept between calls:
 * use `createMcpHttpClient` for a conversation.
 */
export async function forwardRequest(payload: object | string, options: ForwardOptions): Promise<void> {
  const write = options.write ?? ((line: string) => void process.stdout.write(line + '\n'));
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const message = typeof payload === 'string' ? classifyJsonRpc(text) : classifyValue(payload, text);
  if (message.kind === 'invalid') return write(JSON.stringify(message.error));
  if (message.kind === 'batch') return write(JSON.stringify(errorResponse(null, ErrorCode.InvalidRequest, 'Invalid Request: batches are not supported')));
  const logger = Logger.silent();
  const headers = { ...options.headers, ...(options.auth ? { Authorization: options.auth } : {}) };
  const transport = new HttpTransport(
    { maxSockets: 1, idleTimeoutMs: 1000, connectTimeoutMs: 15_000, insecure: false, http2: false, userAgent: `mcp-rx-bridge/${packageVersion()}`, sensitiveHeaders: Object.keys(headers) },
    logger,
  );
  const client = new StreamableHttpClient({
    url: options.url,
    headers,
    contentType: options.contentType ?? 'application/json',
    timeoutMs: (options.timeout ?? 60) * 1000,
    maxMessageBytes: 64 * 1024 * 1024,
    retry: { attempts: 5, baseMs: 250, maxMs: 8000 },
    resumeAttempts: 3,
    serverStream: false,
    logger,
    send: (request) => transport.send(request),
  });
  await new Promise<void>((resolve) => {
    client.send(message).subscribe({
      next: (m) => write(m.text),
      error: (err: unknown) => {
        if (message.kind === 'request') write(JSON.stringify(errorForRequest(err, message.id)));
        resolve();
      },
      complete: () => resolve(),
    });
  });
}
