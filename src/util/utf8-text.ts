import { isAscii, transcode } from 'node:buffer';

/**
 * From this size, text that is not all ASCII is decoded by ICU (`transcode` to UTF-16, then a
 * copy into the string) rather than by V8's UTF-8 decoder, which is slow on non-ASCII text in
 * Node 20. CPU per decode (Node 20, medians of 2 runs): 16 KB of CJK text 60 -> 8 µs, of the
 * bench's mixed text (accents, CJK, emoji, escapes) 39 -> 10-15 µs, of English text with an
 * accent or an emoji every 56 bytes 20 -> 11-17 µs; but at 4 KB that English text went 4.3 ->
 * 7.2 µs (ICU opens a converter per call, ~3 µs), hence the floor.
 */
const TRANSCODE_FROM = 8 * 1024;
/** Above this size the UTF-16 copy (twice the bytes) is not worth holding for a moment. */
const TRANSCODE_UP_TO = 1024 * 1024;

/**
 * UTF-8 bytes as text: exactly what `bytes.toString('utf8')` gives (invalid bytes as U+FFFD),
 * faster for mid-sized non-ASCII text. ICU refuses invalid UTF-8 (it would decode a surrogate
 * or an overlong form differently, if at all), and such input takes Buffer's decoder.
 */
export function utf8Text(bytes: Buffer): string {
  if (bytes.length < TRANSCODE_FROM || bytes.length > TRANSCODE_UP_TO || isAscii(bytes)) return bytes.toString('utf8');
  try {
    return transcode(bytes, 'utf8', 'ucs2').toString('ucs2');
  } catch {
    return bytes.toString('utf8');
  }
}
