import { parseNdjson, splitLines } from '../operators';
import { newScheduler } from './helpers';

describe('parseNdjson (marbles)', () => {
  it('passes records through as text and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-|', { a: '{"a":1}', b: '[2]' });
      expectObservable(source.pipe(parseNdjson())).toBe('a-b-|', { a: '{"a":1}', b: '[2]' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('trims surrounding whitespace (spaces, tabs, a stray CR) but keeps inner whitespace', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: '  {"a": 1}  ', b: '\t[1, 2]\r', c: '"x y"' });
      expectObservable(source.pipe(parseNdjson())).toBe('a-b-c|', { a: '{"a": 1}', b: '[1, 2]', c: '"x y"' });
    });
  });

  it('drops empty and whitespace-only lines', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|', { a: '', b: '   ', c: '\t\r', d: '1' });
      expectObservable(source.pipe(parseNdjson())).toBe('------d|', { d: '1' });
    });
  });

  it('does not validate records: the caller does, on the original text', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|', { a: ' {not json ' });
      expectObservable(source.pipe(parseNdjson())).toBe('a|', { a: '{not json' });
    });
  });

  it('propagates a source error', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: '1' }, new Error('boom'));
      expectObservable(source.pipe(parseNdjson())).toBe('a-#', { a: '1' }, new Error('boom'));
    });
  });

  it('frames a CRLF NDJSON stream after splitLines', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-|', { a: '{"id":1}\r\n\r\n  {"id"', b: ':2}  \r\n\n' });
      const records = source.pipe(splitLines(), parseNdjson());
      expectObservable(records).toBe('x-y-|', { x: '{"id":1}', y: '{"id":2}' });
    });
  });
});
