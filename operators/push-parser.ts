import { Observable, type OperatorFunction } from 'rxjs';

/** A parser that is pushed chunks and calls back with what it finds (SseParser, SseByteParser). */
export interface PushParser<I> {
  /** Parses one chunk; may throw (a cap was hit). */
  feed(chunk: I): void;
  /** The source ended: flush what is still open; may throw. */
  end(): void;
}

/**
 * A push parser as an operator: one parser per subscription (state is never shared between
 * subscribers), its callback feeding the subscriber. A throw from `feed` or `end` errors the
 * stream; a source error is passed on without flushing the parser (an open event is not emitted).
 */
export function pushParserOperator<I, O>(create: (emit: (value: O) => void) => PushParser<I>): OperatorFunction<I, O> {
  return (source) =>
    new Observable<O>((subscriber) => {
      const parser = create((value) => subscriber.next(value));
      return source.subscribe({
        next(chunk) {
          try {
            parser.feed(chunk);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error(err: unknown) {
          subscriber.error(err);
        },
        complete() {
          try {
            parser.end();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.complete();
        },
      });
    });
}
