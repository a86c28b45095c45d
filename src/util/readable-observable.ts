import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import type { BackpressureGate, ReleaseMode } from '../core/backpressure';


/**
 * A Node Readable as an Observable of byte chunks. The stream is paused whenever `gate` says the
 * consumer is saturated and resumed when it frees up, so memory stays bounded by the socket and
 * pipe buffers however large the body is. Unsubscribing destroys the stream (an HTTP body: the
 * server sees the connection drop). `release` can choose otherwise: 'pause' (stdin), or 'drain'
 * (an HTTP body whose answer already arrived: reading it to its end lets the keep-alive socket
 * return to the pool instead of being torn down).
 */
export function fromReadable(stream: Readable, gate?: BackpressureGate, release: () => ReleaseMode | 'pause' = () => 'destroy'): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    let finished = false;
    const onData = (chunk: Uint8Array | string) => {
      subscriber.next(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      const wait = gate?.();
      if (wait !== undefined && !finished) {
        stream.pause();
        void wait.then(() => {
          if (!finished) stream.resume();
        });
      }
    };
    const onEnd = () => {
      finished = true;
      subscriber.complete();
    };
    const onError = (err: Error) => {
      finished = true;
      subscriber.error(err);
    };
    // 'close' without 'end' means the body was cut short (socket reset, abort): an error, not a
    // quiet completion that would look like a clean end of stream.
    const onClose = () => {
      if (!finished) onError(Object.assign(new Error('stream closed before it ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    if (stream.isPaused()) stream.resume();
    return () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (!finished) {
        finished = true;
        const how = release();
        if (how === 'destroy') stream.destroy();
        else if (how === 'pause') stream.pause();
        else drainQuietly(stream);
      }
    };
  });
}

/** Reads a body to its end in the background, giving up (destroying it) after a few seconds. */
function drainQuietly(stream: Readable): void {
  const timer = setTimeout(() => stream.destroy(), 5000);
  timer.unref?.();
  const done = () => clearTimeout(timer);
  stream.once('end', done);
  stream.once('close', done);
  stream.on('error', done);
  stream.resume();
}
