import type { OperatorFunction } from 'rxjs';
import { pushParserOperator } from './push-parser';

export interface DecodeUtf8Options {
  /**
   * Drop one U+FEFF at the very start of the stream. Off by default so that parsers which must
   * see the BOM themselves (SSE strips exactly one) are not fooled by a decoder that already did.
   */
  stripBom?: boolean;
}

/**
 * Incremental UTF-8 decoding: `Uint8Array` chunks in, text out.
 *
 * One `TextDecoder` in stream mode per subscription, so a code point split across chunks comes
 * out whole; invalid bytes become U+FFFD (the decoder is never fatal) and the decoder is flushed
 * on completion, so a truncated sequence at the end of the stream becomes U+FFFD as well.
 * Empty results are not emitted: downstream operators never see an empty chunk.
 */
export function decodeUtf8(options: DecodeUtf8Options = {}): OperatorFunction<Uint8Array, string> {
  return pushParserOperator<Uint8Array, string>((emit) => {
    const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: !options.stripBom });
    const pass = (text: string) => {
      if (text.length > 0) emit(text);
    };
    return {
      feed: (chunk) => pass(decoder.decode(chunk, { stream: true })),
      end: () => pass(decoder.decode()),
    };
  });
}
