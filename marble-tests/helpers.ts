/** Shared by the marble suites (not a test file: jest only runs `*.test.ts`). */
import { TestScheduler } from 'rxjs/testing';

/** Frames are compared with `toEqual`, so asymmetric matchers work inside expected values. */
export function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
