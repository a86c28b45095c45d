import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { fromReadable } from '../util/readable-observable';
import { decodeUtf8Node } from '../util/string-decoder-operator';
import { utf8Text } from '../util/utf8-text';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';
import type { ResponseBody } from './http-types';

/** A Node Readable (axios' http adapter) as a ResponseBody. */
export class NodeResponseBody implements ResponseBody {
  constructor(private readonly stream: Readable) {}

  chunks(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<Uint8Array> {
    return fromReadable(this.stream, gate, release);
  }

  text(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<string> {
    return this.chunks(gate, release).pipe(decodeUtf8Node());
  }

  /** Buffer's decoder (0.13 ms/MB against 0.93 for TextDecoder on Node 20), or ICU's for mid-sized non-ASCII text (see utf8Text). */
  decode(segments: readonly Uint8Array[], length: number): string {
    if (segments.length === 0) return '';
    const bytes = segments.length === 1 ? segments[0]! : Buffer.concat(segments, length);
    return utf8Text(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  discard(): void {
    this.stream.on('error', () => undefined);
    this.stream.resume();
  }

  destroy(): void {
    this.stream.destroy();
  }
}
