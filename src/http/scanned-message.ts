import { routingDuplicates, scanJsonRpc, type ClassifiedMessage, type JsonRpcId, type JsonRpcResponse } from '../../operators';
import { UpstreamProtocolError } from '../core/errors';
import type { ResponseBody } from './http-types';

/**
 * A large successful answer (`{"jsonrpc":"2.0","id":…,"result":…}`) classified from its bytes,
 * with `text` and `message` computed on first use. Undefined when the bytes are anything else
 * (invalid JSON or UTF-8, an error, a request, a batch): the general path decides those, with its
 * exact error messages and its U+FFFD decoding.
 */
export function scannedAnswer(segments: readonly Uint8Array[], size: number, body: ResponseBody): ClassifiedMessage | undefined {
  // Written to stdout as they are, the bytes must be one line: a pretty-printed body takes the
  // general path, which folds it.
  if (segments.some((segment) => segment.indexOf(0x0a) !== -1 || segment.indexOf(0x0d) !== -1)) return undefined;
  const scan = scanJsonRpc(segments);
  if (!scan.ok || scan.top !== 'object' || scan.jsonrpc?.value !== '2.0' || scan.result === undefined) return undefined;
  if (scan.error !== undefined || scan.method !== undefined || scan.id === undefined) return undefined;
  const id = scan.id.value;
  if (!(typeof id === 'string' || typeof id === 'number' || id === null)) return undefined;
  const duplicates = routingDuplicates(scan.duplicateKeys);
  if (duplicates.length > 0) throw duplicateKeysError(duplicates, headOf(segments, body));
  return lazyAnswer(id as JsonRpcId | null, segments, size, body);
}

function lazyAnswer(id: JsonRpcId | null, raw: readonly Uint8Array[], size: number, body: ResponseBody): ClassifiedMessage {
  let text: string | undefined;
  let message: JsonRpcResponse | undefined;
  return {
    kind: 'response',
    id,
    raw,
    get text(): string {
      return (text ??= body.decode(raw, size).trim());
    },
    get message(): JsonRpcResponse {
      return (message ??= JSON.parse(this.text) as JsonRpcResponse);
    },
  };
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
