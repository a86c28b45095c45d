import { match, P } from 'ts-pattern';
import type { JsonRpcErrorObject } from '../../operators';
import { HttpStatusError } from '../http/errors';
import type { HttpResponse } from '../http/http-transport';

const SNIPPET_BYTES = 1024;
const READ_LIMIT = 64 * 1024;

/**
 * Turns a non-2xx response into an `HttpStatusError`: reads at most 64 KiB of the body (enough
 * for any JSON-RPC error, bounded for a huge HTML page), keeps its first KiB for the message, and
 * picks out a JSON-RPC error object when the body is a JSON-RPC error response.
 */
export async function httpStatusError(res: HttpResponse): Promise<HttpStatusError> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= READ_LIMIT) break;
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    res.body.destroy();
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return new HttpStatusError(res.status, res.statusText, text.slice(0, SNIPPET_BYTES), jsonRpcErrorIn(text));
}

function jsonRpcErrorIn(text: string): JsonRpcErrorObject | undefined {
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return match(value)
    .with({ error: { code: P.number, message: P.string } }, ({ error }) => error as JsonRpcErrorObject)
    .otherwise(() => undefined);
}
