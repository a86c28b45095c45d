import { Observable, type OperatorFunction } from 'rxjs';
import { LineTooLongError } from './errors';
import { classifyJsonRpc, type ClassifiedMessage } from './json-rpc';
import { tooLong } from './parse-json-rpc';
import { scannedHostMessage } from './scanned-host-message';
import type { DecodeSegments } from './scanned-message';
import { exceedsUtf8 } from './utf8-length';

export interface ClassifyLinesOptions {
  /** The cap splitLineBytes applied, checked again on a decoded line's text (see below). Default: unlimited. */
  maxLineBytes?: number;
  /**
   * Lines of at least this many bytes are classified from their bytes (scannedHostMessage) and
   * keep them as `raw`; shorter ones are decoded and JSON.parsed, the faster way for small texts
   * (see the threshold measured in json-scanner.ts). Default: never scan.
   */
  scanFromBytes?: number;
  /** The decoder for a line's segments (invalid bytes as U+FFFD). Default: TextDecoder; Node passes a faster one. */
  decode?: DecodeSegments;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** TextDecoder over the segments in stream mode: the same text as decoding their concatenation. */
export const decodeSegments: DecodeSegments = (segments) => {
  if (segments.length === 1) return decoder.decode(segments[0]);
  let text = '';
  for (const segment of segments) text += decoder.decode(segment, { stream: true });
  return text + decoder.decode();
};

/**
 * The lines of splitLineBytes as classified messages, as `splitLines` + `parseJsonRpc` make them
 * from text: blank lines skipped, an over-long line an invalid message (-32600 with the id its
 * head shows), anything else classifyJsonRpc's verdict on the trimmed text. A line of
 * `scanFromBytes` or more that is a request, a notification or a result is classified from its
 * bytes instead (no decode, no JSON.parse; see scannedHostMessage); the others take the text
 * path, so their answers are worded exactly as for a small line.
 *
 * The size cap is in bytes on the wire; splitLines measured the decoded text, where each invalid
 * byte sequence counts as the 3 bytes of its U+FFFD. A decoded line is measured that way again,
 * so that a line of invalid UTF-8 near the cap is refused as before (a scanned line is valid
 * UTF-8: its bytes are its measure).
 *
 * Small lines cost a little more than on the text path, which decoded a whole read at once and
 * sliced the text: 5.0 against 4.8 µs of CPU per line (200,000 tools/call lines of ~120 bytes in
 * 64 KiB reads, through splitting, classification and batchMembers; medians of 11, Node 20),
 * the price of a view and a decode per line. A request's HTTP exchange costs ~100 times that.
 */
export function classifyLines(options: ClassifyLinesOptions = {}): OperatorFunction<readonly Uint8Array[] | LineTooLongError, ClassifiedMessage> {
  const max = options.maxLineBytes ?? Infinity;
  const scanFrom = options.scanFromBytes ?? Infinity;
  const decode = options.decode ?? decodeSegments;
  const classify = (line: readonly Uint8Array[] | LineTooLongError): ClassifiedMessage | undefined => {
    if (line instanceof LineTooLongError) return tooLong(line);
    let bytes = 0;
    for (const segment of line) bytes += segment.length;
    if (bytes >= scanFrom) {
      const scanned = scannedHostMessage(line, decode);
      if (scanned !== undefined) return scanned;
    }
    const text = decode(line, bytes);
    if (exceedsUtf8(text, max)) return tooLong(new LineTooLongError(max, text.slice(0, 256)));
    return text.trim().length > 0 ? classifyJsonRpc(text) : undefined;
  };
  // One operator rather than map + filter: a subscriber hop less per line (small lines are many).
  return (source) =>
    new Observable<ClassifiedMessage>((subscriber) =>
      source.subscribe({
        next(line) {
          let message: ClassifiedMessage | undefined;
          try {
            message = classify(line);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (message !== undefined) subscriber.next(message);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
