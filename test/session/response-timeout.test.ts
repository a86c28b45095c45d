/**
 * responseTimeout: an idle timeout, restarted by every message (progress keeps a long call
 * alive), on real timers (it is one setTimeout per exchange, re-armed only when it fires early).
 */
import { concat, interval, NEVER, of, take, firstValueFrom, toArray, Subject } from 'rxjs';
import { RequestTimeoutError } from '../../src/core/errors';
import { responseTimeout } from '../../src/session/response-timeout';

test('messages closer together than the timeout keep the exchange alive well past it', async () => {
  // 10 messages 50 ms apart: 500 ms in all against a 400 ms idle timeout.
  const values = await firstValueFrom(interval(50).pipe(take(10), responseTimeout(400), toArray()));
  expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('silence after the last message: RequestTimeoutError, after the messages that came', async () => {
  const seen: number[] = [];
  const err = await new Promise<unknown>((resolve) =>
    concat(of(1, 2), NEVER)
      .pipe(responseTimeout(60))
      .subscribe({ next: (v) => seen.push(v), error: resolve, complete: () => resolve('completed') }),
  );
  expect(seen).toEqual([1, 2]);
  expect(err).toBeInstanceOf(RequestTimeoutError);
});

test('unsubscribing clears the timer (no error afterwards), and 0 means no timeout', async () => {
  const source = new Subject<number>();
  const errors: unknown[] = [];
  const sub = source.pipe(responseTimeout(30)).subscribe({ error: (e) => errors.push(e) });
  sub.unsubscribe();
  const none = new Subject<number>();
  none.pipe(responseTimeout(0)).subscribe({ error: (e) => errors.push(e) });
  await new Promise((r) => setTimeout(r, 120));
  expect(errors).toEqual([]);
  expect(source.observed).toBe(false);
});
