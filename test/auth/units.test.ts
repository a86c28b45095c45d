/**
 * The parts of src/auth that need no server: WWW-Authenticate parsing, scope selection, resource
 * matching, the flags, and the HTTP wrapper's retry rules (with a scripted provider).
 */
import { of } from 'rxjs';
import type { HttpRequest, HttpResponse, SendHttp } from '../../src/http/http-types';
import type { AuthProvider } from '../../src/auth/auth-provider';
import { buildOAuthConfig } from '../../src/auth/oauth-config';
import { canonicalResource, resourceCovers } from '../../src/auth/resource-url';
import { coversScopes, initialScope, unionScopes } from '../../src/auth/scopes';
import { MAX_STEP_UPS, withAuthorization } from '../../src/auth/with-authorization';
import { bearerChallenge, dpopNonceRequired } from '../../src/auth/www-authenticate';
import { dpopProof, generateDpopKey, importDpopKey } from '../../src/auth/dpop';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { metadataUrls } from '../../src/auth/discovery';

describe('WWW-Authenticate', () => {
  test('Bearer parameters, quoted with commas and escapes, after another scheme', () => {
    expect(bearerChallenge('Basic realm="x", Bearer error="insufficient_scope", scope="a b", resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", error_description="say \\"hi\\", ok"')).toEqual({
      error: 'insufficient_scope',
      scope: 'a b',
      resourceMetadata: 'https://h/.well-known/oauth-protected-resource/mcp',
      errorDescription: 'say "hi", ok',
    });
    expect(bearerChallenge('bearer realm=api')).toEqual({});
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(bearerChallenge(undefined)).toBeUndefined();
  });

  test('DPoP (RFC 9449 section 7.1): offered beside Bearer, or alone; the nonce challenge', () => {
    expect(bearerChallenge('Bearer resource_metadata="https://h/m", DPoP algs="ES256 PS256"')).toEqual({ resourceMetadata: 'https://h/m', dpop: true });
    expect(bearerChallenge('DPoP algs="ES256", error="invalid_token", resource_metadata="https://h/m"')).toEqual({ error: 'invalid_token', resourceMetadata: 'https://h/m', dpop: true });
    expect(bearerChallenge('Bearer realm=x')).not.toHaveProperty('dpop');
    expect(dpopNonceRequired('DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"')).toBe(true);
    expect(dpopNonceRequired('DPoP error="invalid_token"')).toBe(false);
    expect(dpopNonceRequired('Bearer error="use_dpop_nonce"')).toBe(false);
    expect(dpopNonceRequired(undefined)).toBe(false);
  });
});

describe('DPoP proofs', () => {
  test('a proof verifies with Node\'s own ECDSA (JWS r||s form) and carries htm, htu without query, ath and the nonce', async () => {
    const { key, stored } = await generateDpopKey();
    const again = await importDpopKey(stored);
    const proof = await dpopProof(again, 'post', 'https://mcp.example/mcp?x=1#f', 'token-abc', 'n-1');
    const [h, p, sig] = proof.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    expect(header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk });
    expect(header.jwk).not.toHaveProperty('d');
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://mcp.example/mcp', nonce: 'n-1', ath: createHash('sha256').update('token-abc').digest('base64url') });
    expect(typeof payload.jti).toBe('string');
    expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(5);
    const publicKey = createPublicKey({ key: header.jwk, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))).toBe(true);
    expect(verify('sha256', Buffer.from(`${h}.${p}x`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))).toBe(false);
    // Two proofs never share a jti (servers refuse replays).
    const other = JSON.parse(Buffer.from((await dpopProof(key, 'POST', 'https://mcp.example/mcp', 'token-abc')).split('.')[1]!, 'base64url').toString());
    expect(other.jti).not.toBe(payload.jti);
    expect(other).not.toHaveProperty('nonce');
  });
});

describe('scopes', () => {
  test('challenge, else scopes_supported, else omitted; offline_access only when listed and for user grants', () => {
    expect(initialScope({ challenge: 'a', resourceScopes: ['b'], serverScopes: ['offline_access'], refreshable: true })).toBe('a offline_access');
    expect(initialScope({ resourceScopes: ['b', 'c'], refreshable: true })).toBe('b c');
    expect(initialScope({ serverScopes: ['offline_access'], refreshable: true })).toBeUndefined();
    expect(initialScope({ resourceScopes: ['b'], serverScopes: ['offline_access'], refreshable: false })).toBe('b');
    expect(initialScope({ configured: 'x', challenge: 'a', refreshable: false })).toBe('x');
    expect(unionScopes('a b', 'b c')).toBe('a b c');
    expect(coversScopes('a b c', 'c a')).toBe(true);
    expect(coversScopes('a', 'a b')).toBe(false);
  });
});

describe('resources', () => {
  test('metadata covers the server URL only on the same origin and at or above its path', () => {
    expect(resourceCovers('https://h/mcp', 'https://h/mcp')).toBe(true);
    expect(resourceCovers('https://h', 'https://h/mcp')).toBe(true);
    expect(resourceCovers('https://h/mcp', 'https://h/mcp/')).toBe(true);
    expect(resourceCovers('https://evil.example.com/mcp', 'https://h/mcp')).toBe(false);
    expect(resourceCovers('https://h/other', 'https://h/mcp')).toBe(false);
    expect(resourceCovers('https://h/mc', 'https://h/mcp')).toBe(false);
    expect(canonicalResource('https://H.example/mcp/#x')).toBe('https://h.example/mcp');
    expect(canonicalResource('https://h.example/')).toBe('https://h.example');
  });

  test('authorization server metadata URLs in the spec order', () => {
    expect(metadataUrls('https://a/tenant1')).toEqual([
      'https://a/.well-known/oauth-authorization-server/tenant1',
      'https://a/.well-known/openid-configuration/tenant1',
      'https://a/tenant1/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://a')).toEqual(['https://a/.well-known/oauth-authorization-server', 'https://a/.well-known/openid-configuration']);
  });
});

describe('flags', () => {
  const fail = (m: string) => new Error(m);
  test('modes: static --auth alone is off, nothing is auto, an OAuth flag is on', () => {
    expect(buildOAuthConfig({}, {}, true, fail).mode).toBe('off');
    expect(buildOAuthConfig({}, {}, false, fail).mode).toBe('auto');
    expect(buildOAuthConfig({ 'device-code': true }, {}, true, fail)).toMatchObject({ mode: 'on', grant: 'device_code' });
    expect(buildOAuthConfig({ 'oauth-store': '/x' }, {}, false, fail)).toMatchObject({ mode: 'auto', storeDir: '/x' });
    expect(buildOAuthConfig({}, { MCP_OAUTH_STORE: '/y' }, false, fail).storeDir).toBe('/y');
  });
  test('refusals name the flag and never echo a secret', () => {
    expect(() => buildOAuthConfig({ 'client-credentials': true }, {}, false, fail)).toThrow(/--static-oauth-client-info/);
    expect(() => buildOAuthConfig({ 'client-metadata-url': 'http://x/y' }, {}, false, fail)).toThrow(/https URL/);
    expect(() => buildOAuthConfig({ 'oauth-callback-port': '70000' }, {}, false, fail)).toThrow(/port/);
    expect(() => buildOAuthConfig({ 'static-oauth-client-info': '{"client_secret":"sekrit-123' }, {}, false, fail)).toThrow(/^(?!.*sekrit).*not valid JSON/);
    expect(() => buildOAuthConfig({ 'auth-command': 'x', 'device-code': true }, {}, false, fail)).toThrow(/--auth-command/);
  });
});

describe('withAuthorization', () => {
  function response(status: number, headers: Record<string, string> = {}): HttpResponse & { discarded: boolean } {
    const res = {
      status,
      statusText: '',
      headers,
      discarded: false,
      body: { chunks: () => of(), text: () => of(), decode: () => '', discard: () => void (res.discarded = true), destroy: () => undefined },
    };
    return res;
  }
  const request = (): HttpRequest => ({ method: 'POST', url: 'http://h/mcp', headers: { authorization: 'Bearer static', 'content-type': 'application/json' }, body: '{}', signal: new AbortController().signal });

  function provider(script: { tokens: string[]; renew?: boolean; stepUp?: boolean }): AuthProvider & { calls: string[] } {
    let i = 0;
    const calls: string[] = [];
    return {
      calls,
      authorization: async () => script.tokens[i],
      unauthorized: async () => {
        calls.push('unauthorized');
        if (script.renew === false) return false;
        i++;
        return true;
      },
      insufficientScope: async () => {
        calls.push('insufficientScope');
        if (script.stepUp === false) return false;
        i++;
        return true;
      },
      accepted: () => void calls.push('accepted'),
      rejected: () => void calls.push('rejected'),
    };
  }

  test('401 then 200: renewed once, sent again with the new token (replacing a static one), the 401 body drained', async () => {
    const seen: string[] = [];
    const first = response(401, { 'www-authenticate': 'Bearer resource_metadata="x"' });
    const answers = [first, response(200)];
    const send: SendHttp = async (r) => {
      seen.push(Object.entries(r.headers).filter(([k]) => k.toLowerCase() === 'authorization').map(([, v]) => v).join('|'));
      return answers.shift()!;
    };
    const auth = provider({ tokens: ['Bearer one', 'Bearer two'] });
    const res = await withAuthorization(send, auth)(request());
    expect(res.status).toBe(200);
    expect(seen).toEqual(['Bearer one', 'Bearer two']);
    expect(first.discarded).toBe(true);
    expect(auth.calls).toEqual(['unauthorized', 'accepted']);
  });

  test('a second 401 goes to the host untouched: a fresh token is never retried in a loop', async () => {
    const last = response(401);
    const answers = [response(401), last];
    const auth = provider({ tokens: ['Bearer one', 'Bearer two', 'Bearer three'] });
    const res = await withAuthorization(async () => answers.shift()!, auth)(request());
    expect(res).toBe(last);
    expect(last.discarded).toBe(false);
    expect(auth.calls).toEqual(['unauthorized', 'rejected']);
  });

  test('no renewal possible: the 401 is returned as it is', async () => {
    const only = response(401);
    const auth = provider({ tokens: [], renew: false });
    expect(await withAuthorization(async () => only, auth)(request())).toBe(only);
  });

  test('403 insufficient_scope: at most MAX_STEP_UPS step-ups per request; other 403s untouched', async () => {
    let sent = 0;
    const auth = provider({ tokens: ['Bearer a', 'Bearer b', 'Bearer c', 'Bearer d'] });
    const res = await withAuthorization(async () => {
      sent++;
      return response(403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="x"' });
    }, auth)(request());
    expect(res.status).toBe(403);
    expect(sent).toBe(MAX_STEP_UPS + 1);
    const plain = response(403);
    expect(await withAuthorization(async () => plain, provider({ tokens: ['Bearer a'] }))(request())).toBe(plain);
  });
});
