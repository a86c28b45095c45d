import { match, P } from 'ts-pattern';
import type { JsonRpcErrorObject } from '../../operators';
import { HttpStatusError } from '../core/errors';
import type { HttpResponse } from '../http/http-types';
import { decodeWhole } from '../http/response-messages';

const SNIPPET_CHARS = 1024;
const READ_LIMIT = 64 * 1024;

/**
 * Turns a non-2xx response into an `HttpStatusError`: reads at most 64 KiB of the body (enough
 * for any JSON-RPC error, bounded for a huge HTML page), keeps its first KiB for the message, and
 * picks out a JSON-RPC error object when the body is a JSON-RPC error response.
 */
export function httpStatusError(res: HttpResponse): Promise<HttpStatusError> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const done = () => {
      const text = decodeWhole(chunks, size).trim();
      resolve(new HttpStatusError(res.status, res.statusText, text.slice(0, SNIPPET_CHARS), jsonRpcErrorIn(text), res.mayHaveRun === true));
    };
    const sub = res.body.chunks().subscribe({
      next: (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= READ_LIMIT) {
          sub?.unsubscribe();
          done();
        }
      },
      // A body cut short still leaves the status to report.
      error: done,
      complete: done,
    });
    if (size >= READ_LIMIT) sub.unsubscribe();
  });
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
