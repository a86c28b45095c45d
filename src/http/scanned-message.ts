import { routingDuplicates, scannedMessage, type ClassifiedMessage } from '../../operators';
import { UpstreamProtocolError } from '../core/errors';
import type { ResponseBody } from './http-types';

/**
 * A large server message (a request, a notification or a successful answer) classified from its
 * bytes (operators/scanned-message.ts), with `text` and `message` computed on first use: it is
 * forwarded as the bytes received. Undefined when the bytes are anything else (invalid JSON or
 * UTF-8, an error answer, a batch): the general path decides those, with its exact error
 * messages and its U+FFFD decoding.
 *
 * Notifications and requests come here too (a tool's large log or progress messages, a sampling
 * request with a long context): on the text path, a 16 KB mixed-UTF-8 notification spent its
 * time decoding, pre-checking the text for repeated keys and in JSON.parse (18, 17 and 7 % of
 * `node dist/bench/profile.js events --text=mixed`, whose events are just below the threshold).
 */
export function scannedServerMessage(segments: readonly Uint8Array[], body: ResponseBody): ClassifiedMessage | undefined {
  const message = scannedMessage(segments, (raw, size) => body.decode(raw, size));
  if (message === undefined) return undefined;
  // Written to stdout as they are, the bytes must be one line: a pretty-printed body takes the
  // general path, which folds it. Checked on the bytes kept (blanks around the message trimmed),
  // so that a compact JSON body ending in a newline is not decoded and parsed whole for it.
  if (message.raw!.some((segment) => segment.indexOf(0x0a) !== -1 || segment.indexOf(0x0d) !== -1)) return undefined;
  const duplicates = routingDuplicates(message.scan!.duplicateKeys);
  if (duplicates.length > 0) throw duplicateKeysError(duplicates, headOf(segments, body));
  return message;
}

/** A server message whose meaning depends on which of its duplicate keys a parser keeps. */
export function duplicateKeysError(duplicates: readonly string[], snippet: string): UpstreamProtocolError {
  return new UpstreamProtocolError(`the server sent a message with duplicate keys (${duplicates.join(', ')}): its meaning depends on the parser`, snippet);
}

/** The first KiB of a message, for an error's snippet. */
function headOf(segments: readonly Uint8Array[], body: ResponseBody): string {
  const first = segments[0] ?? new Uint8Array(0);
  return body.decode([first.subarray(0, 1024)], Math.min(first.length, 1024));
}
