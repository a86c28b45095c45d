import type { OperatorFunction } from 'rxjs';
import { LineTooLongError } from './errors';
import { pushParserOperator } from './push-parser';
import { SegmentList } from './segment-list';

/**
 * How many bytes of an over-long line are kept to make its error's head (256 characters, as
 * splitLines keeps): 256 UTF-16 units take at most 768 bytes, so a code point cut at 1024 bytes
 * never reaches the 256th character.
 */
const HEAD_BYTES = 1024;
const HEAD_CHARS = 256;
const LF = 0x0a;
const CR = 0x0d;

export interface SplitLineBytesOptions {
  /** Longest line accepted, in bytes (terminator excluded). Default: unlimited. */
  maxLineBytes?: number;
  /** As splitLines' option: `'error'` (default) errors the stream, `'emit'` emits the error in the line's place and goes on. */
  onOversize?: 'error' | 'emit';
}

/**
 * splitLines on bytes: frames UTF-8 (or any ASCII-compatible) bytes into lines on LF and CRLF
 * without decoding them, so that a large line can be scanned and forwarded as the bytes it came
 * in (see classifyLines). Each line is emitted as its segments: views into the received chunks
 * (a line inside one chunk is one view of it, no copy) or, for pieces under 512 bytes, copies
 * coalesced by a SegmentList (a host trickling a line a byte per write must not cost a view per
 * byte). The chunks must not be reused by the source after they are emitted (Node's are not).
 *
 * Cost is O(n) in total: each chunk is searched for LF once, from where the previous search
 * stopped (Uint8Array#indexOf, native), and a line spanning many chunks is collected as a list of
 * views, never searched again nor joined here. A CR ending a chunk and an LF starting the next
 * form one terminator, as in splitLines. Over-long lines are measured in bytes; the error keeps
 * the line's first 256 characters (decoded, U+FFFD for invalid bytes) for its id. splitLines
 * measured decoded text, where an invalid byte weighs the 3 bytes of its U+FFFD: a line with
 * invalid UTF-8 is now cut off when its bytes pass the cap, possibly a read later, its head then
 * showing more of it (classifyLines still refuses it if its decoded text is over the cap).
 */
export function splitLineBytes(options?: SplitLineBytesOptions & { onOversize?: 'error' }): OperatorFunction<Uint8Array, readonly Uint8Array[]>;
export function splitLineBytes(options: SplitLineBytesOptions & { onOversize: 'emit' }): OperatorFunction<Uint8Array, readonly Uint8Array[] | LineTooLongError>;
export function splitLineBytes(options: SplitLineBytesOptions = {}): OperatorFunction<Uint8Array, readonly Uint8Array[] | LineTooLongError> {
  const max = options.maxLineBytes ?? Infinity;
  const emitOversize = options.onOversize === 'emit';
  return pushParserOperator<Uint8Array, readonly Uint8Array[] | LineTooLongError>((emit) => {
    const pending = new SegmentList();
    // True while discarding the remainder of an over-long line (emit mode only).
    let discarding = false;

    const oversize = (segments: readonly Uint8Array[]): void => {
      const err = new LineTooLongError(max, headOf(segments));
      if (!emitOversize) throw err;
      emit(err);
    };
    /** One finished line, its terminator's LF excluded: a trailing CR is dropped, the size checked. */
    const deliver = (segments: Uint8Array[], bytes: number): void => {
      const last = segments[segments.length - 1];
      if (last !== undefined && last[last.length - 1] === CR) {
        bytes--;
        if (bytes > max) return oversize(segments);
        if (last.length === 1) segments.pop();
        else segments[segments.length - 1] = last.subarray(0, last.length - 1);
      } else if (bytes > max) return oversize(segments);
      emit(segments);
    };

    return {
      feed(chunk) {
        const n = chunk.length;
        let start = 0;
        let lf = chunk.indexOf(LF);
        while (lf !== -1) {
          if (discarding) {
            discarding = false;
          } else if (pending.bytes > 0) {
            pending.push(chunk.subarray(start, lf), true);
            const bytes = pending.bytes;
            deliver(pending.take(), bytes);
          } else {
            deliver(lf > start ? [chunk.subarray(start, lf)] : [], lf - start);
          }
          start = lf + 1;
          lf = start < n ? chunk.indexOf(LF, start) : -1;
        }
        if (start < n && !discarding) {
          pending.push(start === 0 ? chunk : chunk.subarray(start));
          // +1: a trailing CR may still turn out to be half of a CRLF.
          if (pending.bytes > max + 1) {
            const segments = pending.take();
            discarding = true;
            oversize(segments);
          }
        }
      },
      end() {
        if (pending.bytes > 0 && !discarding) {
          const bytes = pending.bytes;
          deliver(pending.take(), bytes);
        }
      },
    };
  });
}

const headDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The first 256 characters of a line given as segments, decoded as splitLines would (U+FFFD for invalid bytes). */
export function headOf(segments: readonly Uint8Array[]): string {
  const head = new Uint8Array(HEAD_BYTES);
  let at = 0;
  for (const segment of segments) {
    if (at === HEAD_BYTES) break;
    const piece = segment.subarray(0, HEAD_BYTES - at);
    head.set(piece, at);
    at += piece.length;
  }
  return headDecoder.decode(head.subarray(0, at)).slice(0, HEAD_CHARS);
}
