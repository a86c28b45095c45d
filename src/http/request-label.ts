import type { HttpRequest } from './http-types';
import { segmentsLength } from './request-body';

/** Bodies larger than this are not parsed for a log label: a label is not worth a 10 MB parse. */
const PARSE_LIMIT = 64 * 1024;

/**
 * "tools/call id 7", "a batch of 3", "notifications/cancelled", or "GET <url>": how the retry log
 * names a request. Parsed from the body only when a line is logged (failure paths).
 */
export function requestLabel(request: HttpRequest): string {
  const fallback = `${request.method} ${request.url}`;
  const body = typeof request.body === 'object' ? smallText(request.body) : request.body;
  if (body === undefined || body.length > PARSE_LIMIT) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return fallback;
  }
  if (Array.isArray(value)) return `a batch of ${value.length}`;
  if (value === null || typeof value !== 'object') return fallback;
  const { method, id } = value as { method?: unknown; id?: unknown };
  const name = typeof method === 'string' ? method.slice(0, 100) : 'the answer';
  return typeof id === 'string' || typeof id === 'number' ? `${name} id ${JSON.stringify(id)}` : name;
}

/** A body of segments as text, when it is small enough to be parsed for a label. */
function smallText(segments: readonly Uint8Array[]): string | undefined {
  if (segmentsLength(segments) > PARSE_LIMIT) return undefined;
  const decoder = new TextDecoder();
  return segments.map((segment) => decoder.decode(segment, { stream: true })).join('') + decoder.decode();
}
