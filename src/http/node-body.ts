import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { fromReadable } from '../util/readable-observable';
import type { BackpressureGate, ReleaseMode, ResponseBody } from './http-types';

/** A Node Readable (axios' http adapter) as a ResponseBody. */
export class NodeResponseBody implements ResponseBody {
  constructor(private readonly stream: Readable) {}

  chunks(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<Uint8Array> {
    return fromReadable(this.stream, gate, release);
  }

  discard(): void {
    this.stream.on('error', () => undefined);
    this.stream.resume();
  }

  destroy(): void {
    this.stream.destroy();
  }
}
