import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { ClassifiedMessage, JsonRpcId } from '../../operators';
import { isAnswerTo } from '../core/answers';

/**
 * Passes a request's messages until its answer, then completes: not at once, but a microtask
 * later, so that the messages that arrived with the answer (the rest of a JSON batch, of the same
 * SSE chunk), which are emitted in the same tick, still go through. `onAnswer` runs before the
 * answer is passed on.
 *
 * One operator in place of tap + takeUntil(answer$.pipe(observeOn(asapScheduler))) (a Subject and
 * four subscribers per request), with the same timing: asapScheduler also ends on a microtask.
 */
export function untilAnswered(id: JsonRpcId, onAnswer: () => void): MonoTypeOperatorFunction<ClassifiedMessage> {
  return (source) =>
    new Observable<ClassifiedMessage>((subscriber) => {
      let ending = false;
      return source.subscribe({
        next: (reply) => {
          if (!ending && isAnswerTo(reply, id)) {
            ending = true;
            onAnswer();
            void Promise.resolve().then(() => subscriber.complete());
          }
          subscriber.next(reply);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
