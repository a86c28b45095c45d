import type { ClassifiedMessage } from './json-rpc';
import { scannedMessage, type DecodeSegments } from './scanned-message';

/**
 * Below this size the bytes kept are copied into one array: views would keep whole reads alive (a
 * 16 KiB line may view two 64 KiB chunks, and up to 1024 host messages may wait in the queue).
 * Above it a view costs at most a chunk more than the line itself, and a copy would double it.
 */
const COPY_BELOW = 1024 * 1024;

/**
 * A host message (one stdin line, as segments) classified from its bytes (see scannedMessage):
 * a large tool argument is forwarded as the bytes received. Undefined when the general path
 * must decide (see scannedMessage).
 */
export function scannedHostMessage(segments: readonly Uint8Array[], decode: DecodeSegments): ClassifiedMessage | undefined {
  return scannedMessage(segments, decode, (raw, size) => (size < COPY_BELOW ? [joined(raw, size)] : raw));
}

function joined(segments: readonly Uint8Array[], size: number): Uint8Array {
  const whole = new Uint8Array(size);
  let at = 0;
  for (const segment of segments) {
    whole.set(segment, at);
    at += segment.length;
  }
  return whole;
}
