import type { OperatorFunction } from 'rxjs';
import { pushParserOperator } from './push-parser';
import { SseParser, type SseEvent } from './sse-parser';
import type { SseParserOptions } from './sse-options';

/**
 * Server-sent events from text chunks (use after `decodeUtf8`), per the WHATWG event-stream
 * interpretation: CR, LF and CRLF line ends (also split across chunks), one BOM skipped at stream
 * start, comments, `data` lines joined with "\n", one optional space after the colon removed,
 * `event`, `id` (ignored when it contains NUL), `retry` (digits only), unknown fields ignored.
 *
 * An event still open when the source completes is emitted before completion. Pass
 * `options.cursor` to read the last event ID and retry time after the stream ends or drops
 * (resumption with Last-Event-ID). An event larger than `maxEventBytes` errors the stream with
 * `SseEventTooLargeError`.
 */
export function parseSse(options: SseParserOptions = {}): OperatorFunction<string, SseEvent> {
  return pushParserOperator<string, SseEvent>((emit) => new SseParser(emit, options));
}
