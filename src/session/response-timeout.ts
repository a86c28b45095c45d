import { throwError, timeout, type MonoTypeOperatorFunction } from 'rxjs';
import { RequestTimeoutError } from '../core/errors';

/**
 * The response timeout of one exchange: it errors with RequestTimeoutError when `ms` pass
 * without a message, and restarts with each message (progress keeps a long call alive).
 * 0 or less: no timeout.
 */
export function responseTimeout<T>(ms: number): MonoTypeOperatorFunction<T> {
  return (source) => (ms > 0 ? source.pipe(timeout({ each: ms, with: () => throwError(() => new RequestTimeoutError(ms)) })) : source);
}
