import { map, type OperatorFunction } from 'rxjs';
import type { JsonScanOptions, JsonScanResult } from './json-scan-result';
import { scanJsonRpc } from './json-scanner';

/** A message as the bytes it arrived in, with what the scanner found in them. */
export interface ScannedMessage {
  /** The message's bytes, as given (one array, or the segments an SSE event or a body holds). */
  bytes: Uint8Array | readonly Uint8Array[];
  scan: JsonScanResult;
}

/**
 * Scans each whole message (see scanJsonRpc): for messages large enough that decoding and
 * JSON.parse would cost more than the bytes (see the threshold in json-scanner.ts), so that they
 * can be validated, routed and forwarded as received. An invalid message is a value too
 * (`scan.ok` false, with the offset and reason), never an error of the stream: the caller
 * decides whom to answer and how.
 */
export function scanJsonRpcMessages(options?: JsonScanOptions): OperatorFunction<Uint8Array | readonly Uint8Array[], ScannedMessage> {
  return map((bytes) => ({ bytes, scan: scanJsonRpc(bytes, options) }));
}
