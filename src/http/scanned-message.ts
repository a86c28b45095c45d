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
 * Notifications come here too: a tool's progress or log stream is most of what a long call
 * sends. Profiled on 256 MiB of 16 KiB mixed-UTF-8 progress events (`node dist/bench/profile.js
 * events --size=256 --text=mixed`), the text path spent its time decoding (18 %), pre-checking
 * the text for repeated keys (17 %) and in JSON.parse (7 %).
 */
export function scannedServerMessage(segments: readonly Uint8Array[], body: ResponseBody): ClassifiedMessage | undefined {
  // Written to stdout as they are, the bytes must be one line: a pretty-printed body takes the
  // general path, which folds it.
  if (segments.some((segment) => segment.indexOf(0x0a) !== -1 || segment.indexOf(0x0d) !== -1)) return undefined;
  const message = scannedMessage(segments, (raw, size) => body.decode(raw, size));
  if (message === undefined) return undefined;
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
