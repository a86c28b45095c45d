import { StringDecoder } from 'node:string_decoder';
import type { DecodeSegments } from '../../operators';
import { utf8Text } from '../util/utf8-text';

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));

/**
 * A line's segments as text with Node's UTF-8 decoding: the same text as the operators' TextDecoder
 * default (U+FFFD for invalid bytes; checked by a property test), without its cost per call, which
 * matters when every small stdin line is decoded on its own. A single segment (a line inside one
 * read: nearly all) is one Buffer#toString (or ICU's decoder for mid-sized non-ASCII text, see
 * utf8Text).
 */
export const decodeSegmentsNode: DecodeSegments = (segments) => {
  if (segments.length === 1) return utf8Text(asBuffer(segments[0]!));
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (const segment of segments) text += decoder.write(asBuffer(segment));
  return text + decoder.end();
};
