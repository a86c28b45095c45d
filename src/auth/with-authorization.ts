import type { HttpRequest, HttpResponse, SendHttp } from '../http/http-types';
import type { AuthProvider } from './auth-provider';
import { bearerChallenge, dpopNonceRequired } from './www-authenticate';

/**
 * Step-up authorizations per request. The spec asks for a small bound ("no more than a few
 * times"); the conformance suite allows at most three authorization requests in all, the first
 * sign-in included.
 */
export const MAX_STEP_UPS = 2;

/**
 * The HTTP port with authorization: every request to the MCP server carries the provider's
 * `Authorization` (replacing a static one), and
 * - a 401 (the request did not run) lets the provider refresh or sign in, then the request is
 *   sent again ONCE with the new credential, so the host sees one answer; a second 401 goes to
 *   the host as it is (a stale token is never retried in a loop);
 * - a 403 `insufficient_scope` lets the provider ask for more scopes, at most MAX_STEP_UPS times
 *   per request;
 * - with a DPoP-bound token, each request carries a fresh proof, and a 401 `use_dpop_nonce` sends
 *   it again once with the server's nonce (RFC 9449 section 9).
 * Bodies are strings, so sending a request again is safe. A response that is replaced is read
 * to its end and dropped (keep-alive); one that is returned is left untouched.
 */
export function withAuthorization(send: SendHttp, auth: AuthProvider): SendHttp {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    let renewed = false;
    let stepUps = 0;
    let nonceRetried = false;
    for (;;) {
      const used = await auth.authorization(request.signal);
      const proof = used !== undefined && auth.proof ? await auth.proof(used, request.method, request.url) : undefined;
      const res = await send(used === undefined ? request : withHeaders(request, used, proof));
      const nonce = res.headers['dpop-nonce'];
      if (nonce !== undefined && auth.nonce) auth.nonce(nonce);
      // RFC 9449 section 9: a proof without the server's fresh nonce is refused before anything
      // runs; the same request goes again once with a proof that carries it.
      if (res.status === 401 && proof !== undefined && nonce !== undefined && !nonceRetried && dpopNonceRequired(res.headers['www-authenticate'])) {
        res.body.discard();
        nonceRetried = true;
        continue;
      }
      if (res.status === 401) {
        if (renewed) auth.rejected(used);
        if (!renewed && (await auth.unauthorized(used, bearerChallenge(res.headers['www-authenticate']), request.signal))) {
          res.body.discard();
          renewed = true;
          continue;
        }
        return res;
      }
      if (res.status === 403) {
        const challenge = bearerChallenge(res.headers['www-authenticate']);
        if (challenge?.error === 'insufficient_scope' && stepUps < MAX_STEP_UPS && (await auth.insufficientScope(used, challenge, request.signal))) {
          res.body.discard();
          stepUps++;
          continue;
        }
        return res;
      }
      auth.accepted(used);
      return res;
    }
  };
}

/** The request with `Authorization: value` (and its DPoP proof), whatever the case of existing ones. */
function withHeaders(request: HttpRequest, value: string, proof: string | undefined): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(request.headers)) if (name.toLowerCase() !== 'authorization' && name.toLowerCase() !== 'dpop') headers[name] = v;
  headers.Authorization = value;
  if (proof !== undefined) headers.DPoP = proof;
  return { ...request, headers };
}
