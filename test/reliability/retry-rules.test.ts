/**
 * The retry table of retry-rules.ts, case by case, including what the socket-level suites cannot
 * reach: axios' own adapter (proxy, HTTP/2), whose failures carry no socket facts.
 */
import { recordAttemptFacts, type AttemptFacts } from '../../src/http/attempt-facts';
import { errorVerdict, isRepeatable, statusVerdict } from '../../src/http/retry-rules';

const socketError = (code: string, facts?: AttemptFacts) => {
  const err = Object.assign(new Error(`boom ${code}`), { code });
  if (facts) recordAttemptFacts(err, facts);
  return err;
};
const sent: AttemptFacts = { reusedSocket: false, connected: true, written: true, responseBytes: false };

describe('errorVerdict', () => {
  test('no socket facts (axios adapter): a reset may have come after the request was sent, so it is not retried', () => {
    expect(errorVerdict(socketError('ECONNRESET'), false, false)).toMatchObject({ retry: false, mayHaveRun: true });
    expect(errorVerdict(socketError('ETIMEDOUT'), false, false)).toMatchObject({ retry: false, mayHaveRun: true });
  });

  test('no socket facts: a refused connection was never established, so it is retried', () => {
    for (const code of ['ECONNREFUSED', 'ECONNECTTIMEOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      expect(errorVerdict(socketError(code), false, false)).toMatchObject({ retry: true });
    }
  });

  test('a connection that never connected, whatever the code', () => {
    expect(errorVerdict(socketError('ECONNRESET', { ...sent, connected: false, written: false }), false, false)).toMatchObject({ retry: true });
  });

  test('not fully written and no byte back: cannot have run', () => {
    expect(errorVerdict(socketError('EPIPE', { ...sent, written: false }), false, false)).toMatchObject({ retry: true });
  });

  test('a response byte had arrived: may have run, even on a reused socket', () => {
    expect(errorVerdict(socketError('ECONNRESET', { ...sent, reusedSocket: true, responseBytes: true }), false, false)).toMatchObject({
      retry: false,
      mayHaveRun: true,
    });
  });

  test('reused socket, no byte back: once', () => {
    const facts = { ...sent, reusedSocket: true };
    expect(errorVerdict(socketError('ECONNRESET', facts), false, false)).toMatchObject({ retry: true, staleSocket: true });
    expect(errorVerdict(socketError('ECONNRESET', facts), false, true)).toMatchObject({ retry: false, mayHaveRun: true });
  });

  test('repeatable: every retryable network failure; never TLS or an unknown host', () => {
    expect(errorVerdict(socketError('ECONNRESET', { ...sent, responseBytes: true }), true, true)).toMatchObject({ retry: true });
    expect(errorVerdict(socketError('ENOTFOUND'), true, false)).toBeUndefined();
    expect(errorVerdict(socketError('DEPTH_ZERO_SELF_SIGNED_CERT'), true, false)).toBeUndefined();
  });
});

describe('statusVerdict', () => {
  test.each([
    [408, undefined, true],
    [429, undefined, true],
    [503, '0', true],
    [503, undefined, false],
    [502, undefined, false],
    [504, undefined, false],
  ] as const)('HTTP %i (Retry-After %s), not repeatable: retried %s', (status, retryAfter, retried) => {
    expect(statusVerdict(status, retryAfter, false)?.retry).toBe(retried);
    expect(statusVerdict(status, retryAfter, true)?.retry).toBe(true);
  });

  test('other statuses are the answer', () => {
    for (const status of [200, 202, 400, 404, 500, 501]) expect(statusVerdict(status, '1', true)).toBeUndefined();
  });
});

test('GET and DELETE are repeatable by HTTP semantics; a POST only when marked', () => {
  const base = { url: 'http://x/', headers: {}, signal: new AbortController().signal };
  expect(isRepeatable({ ...base, method: 'GET' })).toBe(true);
  expect(isRepeatable({ ...base, method: 'DELETE' })).toBe(true);
  expect(isRepeatable({ ...base, method: 'POST' })).toBe(false);
  expect(isRepeatable({ ...base, method: 'POST', repeatable: true })).toBe(true);
});
