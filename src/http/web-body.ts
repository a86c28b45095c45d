import { Observable } from 'rxjs';
import { decodeUtf8 } from '../../operators';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';
import type { ResponseBody } from './http-types';

/**
 * A WHATWG ReadableStream (axios' fetch adapter, in browsers) as a ResponseBody. Reads are
 * pulled one at a time, so a closed gate simply delays the next read: backpressure for free.
 */
export class WebResponseBody implements ResponseBody {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(private readonly stream: ReadableStream<Uint8Array> | null) {}

  chunks(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<Uint8Array> {
    return new Observable<Uint8Array>((subscriber) => {
      if (!this.stream) {
        subscriber.complete();
        return;
      }
      const reader = this.stream.getReader();
      this.reader = reader;
      let finished = false;
      const pump = async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (finished) return;
            if (done) {
              finished = true;
              subscriber.complete();
              return;
            }
            subscriber.next(value);
            const wait = gate?.();
            if (wait) await wait;
          }
        } catch (err) {
          if (!finished) {
            finished = true;
            subscriber.error(err);
          }
        }
      };
      void pump();
      return () => {
        if (finished) return;
        finished = true;
        if ((release?.() ?? 'destroy') === 'destroy') void reader.cancel().catch(() => undefined);
        else void drain(reader);
      };
    });
  }

  text(gate?: BackpressureGate, release?: () => ReleaseMode): Observable<string> {
    return this.chunks(gate, release).pipe(decodeUtf8());
  }

  decode(segments: readonly Uint8Array[]): string {
    const decoder = new TextDecoder();
    if (segments.length === 1) return decoder.decode(segments[0]);
    let text = '';
    for (const segment of segments) text += decoder.decode(segment, { stream: true });
    return text + decoder.decode();
  }

  discard(): void {
    if (this.stream && !this.stream.locked) void drain(this.stream.getReader());
  }

  destroy(): void {
    if (this.reader) void this.reader.cancel().catch(() => undefined);
    else if (this.stream && !this.stream.locked) void this.stream.cancel().catch(() => undefined);
  }
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (;;) if ((await reader.read()).done) return;
  } catch {
    // nothing left to read
  }
}
