import type { JsonRpcScan } from './json-scan-result';
import { scanJsonRpc } from './json-scanner';
import type { ClassifiedMessage, JsonRpcId, JsonRpcMessage } from './json-rpc';

/** Decodes UTF-8 held in segments (`bytes` in all); invalid bytes as U+FFFD. */
export type DecodeSegments = (segments: readonly Uint8Array[], bytes: number) => string;

/** What a caller keeps of the message's bytes (`raw`): the views as they are, or a copy. */
export type KeepSegments = (segments: readonly Uint8Array[], bytes: number) => readonly Uint8Array[];

/**
 * A JSON-RPC message classified from its bytes by the byte scanner, with `text` and `message`
 * computed on first use: a large message is held once, as the bytes received, and forwarded as
 * they are (`raw`), instead of as bytes, text and parsed copy. Host lines (scannedHostMessage)
 * and server messages (src/http/scanned-message.ts) both come through here.
 *
 * Only what classifyValue would classify as a request, a notification or a response with a
 * result is taken here, by the same rules on the same facts (the scanner reports what JSON.parse
 * keeps, the last of duplicate keys included). Anything else is undefined, and the caller takes
 * the general path (decode, JSON.parse), which words its errors exactly as for a small message:
 * invalid JSON (V8's message, in characters), invalid UTF-8 (decoded as U+FFFD, which JSON.parse
 * accepts inside strings), blanks other than JSON's around the message (a BOM, NBSP), a batch, an
 * error response, a method or id too long to capture.
 */
export function scannedMessage(segments: readonly Uint8Array[], decode: DecodeSegments, keep: KeepSegments = (s) => s): ClassifiedMessage | undefined {
  const trimmed = trimJsonBlanks(segments);
  if (trimmed.length === 0) return undefined;
  const scan = scanJsonRpc(trimmed);
  if (!scan.ok || scan.top !== 'object' || scan.jsonrpc?.value !== '2.0') return undefined;
  const kind = kindOf(scan);
  if (kind === undefined) return undefined;
  let size = 0;
  for (const segment of trimmed) size += segment.length;
  const raw = keep(trimmed, size);
  let text: string | undefined;
  let message: JsonRpcMessage | undefined;
  const lazy = {
    raw,
    scan,
    get text(): string {
      return (text ??= decode(raw, size));
    },
    get message(): JsonRpcMessage {
      return (message ??= JSON.parse(this.text) as JsonRpcMessage);
    },
  };
  const id = scan.id?.value as JsonRpcId | null | undefined;
  const method = scan.method?.value as string;
  if (kind === 'request') return Object.defineProperties({ kind, id: id!, method }, Object.getOwnPropertyDescriptors(lazy)) as ClassifiedMessage;
  if (kind === 'notification') return Object.defineProperties({ kind, method }, Object.getOwnPropertyDescriptors(lazy)) as ClassifiedMessage;
  return Object.defineProperties({ kind, id: id ?? null }, Object.getOwnPropertyDescriptors(lazy)) as ClassifiedMessage;
}

/**
 * The kind classifyValue gives a parsed JSON-RPC 2.0 object with these members, when it is one
 * this path takes (see above): requests need a captured string method and a string or number id,
 * notifications no `id` key at all, and neither may have scalar `params` (-32600); a response has
 * `result`, no `error`, no `method`, and an id that is a string, a number or null.
 */
function kindOf(scan: JsonRpcScan): 'request' | 'notification' | 'response' | undefined {
  const { method, id, params } = scan;
  if (method !== undefined) {
    if (method.kind !== 'string' || method.value === undefined) return undefined;
    if (params !== undefined && (params.kind === 'string' || params.kind === 'number' || params.kind === 'boolean')) return undefined;
    if (id === undefined) return 'notification';
    return (id.kind === 'string' || id.kind === 'number') && id.value !== undefined ? 'request' : undefined;
  }
  if (scan.result === undefined || scan.error !== undefined || id === undefined || id.text === undefined) return undefined;
  return id.kind === 'string' || id.kind === 'number' || id.kind === 'null' ? 'response' : undefined;
}

/** JSON's blanks (RFC 8259 `ws`): the only ones that may be trimmed and still leave the same JSON text. */
function isJsonBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * The segments without the JSON blanks at either end, as the text path trims the line (views,
 * no copy). Other blanks that String#trim also drops (NBSP, a BOM) make the scan fail, and such a
 * line takes the general path.
 */
function trimJsonBlanks(segments: readonly Uint8Array[]): readonly Uint8Array[] {
  let first = 0;
  let from = 0;
  while (first < segments.length) {
    const s = segments[first]!;
    while (from < s.length && isJsonBlank(s[from]!)) from++;
    if (from < s.length) break;
    first++;
    from = 0;
  }
  if (first === segments.length) return [];
  // Ends: segments[first] has a non-blank byte at `from`.
  let last = segments.length - 1;
  let to = segments[last]!.length;
  for (;;) {
    const s = segments[last]!;
    const floor = last === first ? from : 0;
    while (to > floor && isJsonBlank(s[to - 1]!)) to--;
    if (to > floor) break;
    last--;
    to = segments[last]!.length;
  }
  if (first === 0 && from === 0 && last === segments.length - 1 && to === segments[last]!.length) return segments;
  if (first === last) return [segments[first]!.subarray(from, to)];
  return [segments[first]!.subarray(from), ...segments.slice(first + 1, last), segments[last]!.subarray(0, to)];
}
