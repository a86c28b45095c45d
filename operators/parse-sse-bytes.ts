import type { OperatorFunction } from 'rxjs';
import { pushParserOperator } from './push-parser';
import { SseByteParser, type SseByteEvent } from './sse-byte-parser';
import type { SseParserOptions } from './sse-options';

/**
 * Server-sent events from the undecoded body (`Uint8Array` chunks), with each event's data left
 * as views into those chunks: `parseSse` on bytes, same interpretation and the same events after
 * UTF-8 decoding (see `SseByteParser`). The chunks are kept, not copied: a source must not reuse
 * or modify a chunk once it has emitted it.
 *
 * An event still open when the source completes is emitted before completion. Pass
 * `options.cursor` to read the last event ID and retry time after the stream ends or drops
 * (resumption with Last-Event-ID). An event larger than `maxEventBytes` (its pending line plus its
 * joined data, in bytes) errors the stream with `SseEventTooLargeError`.
 */
export function parseSseBytes(options: SseParserOptions = {}): OperatorFunction<Uint8Array, SseByteEvent> {
  return pushParserOperator<Uint8Array, SseByteEvent>((emit) => new SseByteParser(emit, options));
}
