import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { RequestTimeoutError } from '../core/errors';

/**
 * The response timeout of one exchange: it errors with RequestTimeoutError when `ms` pass
 * without a message, and restarts with each message (progress keeps a long call alive).
 * 0 or less: no timeout.
 *
 * One timer per exchange: a message only notes the time, and a timer that fires early (messages
 * came meanwhile) is set again for what remains. RxJS `timeout({ each })` schedules a new action
 * and clears the old one per message (about 8 µs of every request in the 10,000-pipelined
 * profile, more with progress). No Node-only `timer.refresh()`: this runs in browsers too.
 */
export function responseTimeout<T>(ms: number): MonoTypeOperatorFunction<T> {
  if (ms <= 0) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      let last = Date.now();
      let timer: ReturnType<typeof setTimeout>;
      const arm = (delay: number) => {
        timer = setTimeout(() => {
          const idle = Date.now() - last;
          if (idle >= ms) subscriber.error(new RequestTimeoutError(ms));
          else arm(ms - idle);
        }, delay);
      };
      arm(ms);
      const subscription = source.subscribe({
        next: (value) => {
          last = Date.now();
          subscriber.next(value);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}
