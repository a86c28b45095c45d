import type { Logger } from '../log/logger';
import type { ClientIdentity } from './client-identity';
import { describe, options, tokenOptions } from './client-identity';
import { OAuthError } from './discovery';
import type { OAuthFetch } from './oauth-fetch';
import { oauthLib, type OAuth } from './oauth-lib';
import type { LoopbackCallback } from './loopback-callback';

/** What every grant needs: the server, who we are, what for, and how to talk to the user. */
export interface GrantContext {
  as: OAuth.AuthorizationServer;
  identity: ClientIdentity;
  resource: string;
  scope?: string;
  fetch: OAuthFetch;
  logger: Logger;
  /** Writes a line for the user on stderr (the URL to open, the device code). */
  announce(line: string): void;
  openUrl(url: string): void;
  timeoutMs: number;
  signal?: AbortSignal;
  /** RFC 9449: token requests carry proofs of this key, and the tokens are bound to it. */
  dpop?: OAuth.DPoPHandle;
}

/**
 * Authorization code with PKCE (S256), state, `resource` (RFC 8707) on the authorization and the
 * token request, and the RFC 9207 `iss` check before the code goes anywhere. The URL is printed
 * on stderr and handed to the browser; the code arrives on the loopback callback.
 */
export async function authorizationCodeGrant(ctx: GrantContext, callback: LoopbackCallback): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  const { as, identity } = ctx;
  // The spec: no S256 in the metadata means no PKCE, and the client must refuse to proceed.
  if (!as.code_challenge_methods_supported?.includes('S256')) {
    throw new OAuthError(`${as.issuer} does not advertise PKCE with S256 (code_challenge_methods_supported): refusing to sign in`);
  }
  if (typeof as.authorization_endpoint !== 'string') throw new OAuthError(`${as.issuer} has no authorization_endpoint`);
  const verifier = oauth.generateRandomCodeVerifier();
  ctx.logger.addSecret(verifier);
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', identity.client.client_id);
  url.searchParams.set('redirect_uri', callback.redirectUri);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('resource', ctx.resource);
  if (ctx.scope !== undefined) url.searchParams.set('scope', ctx.scope);
  // RFC 9449 section 10: the code is bound to the key, so only this key can redeem it.
  if (ctx.dpop) url.searchParams.set('dpop_jkt', await ctx.dpop.calculateThumbprint());

  ctx.announce(`mcp-rx-bridge: sign in to ${new URL(ctx.resource).host} in your browser; if it does not open, open this URL:\n${url.href}`);
  ctx.openUrl(url.href);
  const params = await callback.wait(state, ctx.timeoutMs, ctx.signal);
  const code = params.get('code');
  if (code) ctx.logger.addSecret(code);
  let checked: URLSearchParams;
  try {
    // state, then iss against the recorded issuer (a mismatch is refused before the error or the
    // code is looked at), then error.
    checked = oauth.validateAuthResponse(as, identity.client, params, state);
  } catch (err) {
    throw new OAuthError(`the authorization response was refused: ${describe(err)}`);
  }
  return tokenResponse(
    () => oauth.authorizationCodeGrantRequest(as, identity.client, identity.auth, checked, callback.redirectUri, verifier, { additionalParameters: { resource: ctx.resource }, ...tokenOptions(ctx) }),
    (res) => oauth.processAuthorizationCodeResponse(as, identity.client, res),
    ctx,
  );
}

/**
 * The device authorization grant (RFC 8628) for machines without a browser: the verification
 * URL and the user code are printed on stderr, and the token endpoint is polled at the interval
 * the server asks for (slower after `slow_down`) until the user approves, the code expires, or
 * --auth-timeout passes.
 */
export async function deviceCodeGrant(ctx: GrantContext): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  const { as, identity } = ctx;
  if (typeof as.device_authorization_endpoint !== 'string') throw new OAuthError(`${as.issuer} offers no device authorization endpoint (--device-code)`);
  const parameters: Record<string, string> = { resource: ctx.resource };
  if (ctx.scope !== undefined) parameters.scope = ctx.scope;
  // No DPoP here: the device authorization request issues no token (RFC 9449 binds at the token endpoint).
  const started = await oauth.deviceAuthorizationRequest(as, identity.client, identity.auth, parameters, options(ctx));
  let device: OAuth.DeviceAuthorizationResponse;
  try {
    device = await oauth.processDeviceAuthorizationResponse(as, identity.client, started);
  } catch (err) {
    throw new OAuthError(`device authorization failed: ${describe(err)}`);
  }
  ctx.logger.addSecret(device.device_code);
  const where = device.verification_uri_complete ?? device.verification_uri;
  ctx.announce(`mcp-rx-bridge: to sign in, open ${where} and enter the code ${device.user_code}`);
  let interval = (device.interval ?? 5) * 1000;
  const deadline = Date.now() + Math.min(device.expires_in * 1000, ctx.timeoutMs);
  for (;;) {
    await sleep(interval, ctx.signal);
    if (Date.now() > deadline) throw new OAuthError('the device code expired before the sign-in was approved');
    try {
      return await tokenResponse(
        () => oauth.deviceCodeGrantRequest(as, identity.client, identity.auth, device.device_code, { additionalParameters: { resource: ctx.resource }, ...tokenOptions(ctx) }),
        (res) => oauth.processDeviceCodeResponse(as, identity.client, res),
        ctx,
        true,
      );
    } catch (err) {
      const code = (err as { error?: string }).error;
      if (code === 'authorization_pending') continue;
      if (code === 'slow_down') {
        interval += 5000;
        continue;
      }
      throw err instanceof OAuthError ? err : new OAuthError(`device sign-in failed: ${describe(err)}`);
    }
  }
}

/** Client credentials (machine to machine): no user, the client authenticates itself. */
export async function clientCredentialsGrant(ctx: GrantContext): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  const parameters: Record<string, string> = { resource: ctx.resource };
  if (ctx.scope !== undefined) parameters.scope = ctx.scope;
  return tokenResponse(
    () => oauth.clientCredentialsGrantRequest(ctx.as, ctx.identity.client, ctx.identity.auth, parameters, tokenOptions(ctx)),
    (res) => oauth.processClientCredentialsResponse(ctx.as, ctx.identity.client, res),
    ctx,
  );
}

/** A refresh, with `resource` again (a refreshed token must stay bound to the same server). */
export async function refreshGrant(ctx: Omit<GrantContext, 'announce' | 'openUrl' | 'timeoutMs'>, refreshToken: string): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  return tokenResponse(
    () => oauth.refreshTokenGrantRequest(ctx.as, ctx.identity.client, ctx.identity.auth, refreshToken, { additionalParameters: { resource: ctx.resource }, ...tokenOptions(ctx) }),
    (res) => oauth.processRefreshTokenResponse(ctx.as, ctx.identity.client, res),
    ctx,
    true,
  );
}

/**
 * One token request and its response: the response's secrets join the logger's redaction list
 * before anything else happens with them. With DPoP, a refusal asking for the server's nonce
 * (RFC 9449 section 8: `use_dpop_nonce`; oauth4webapi's handle has recorded the nonce) sends the
 * request again once. Errors keep the server's `error` code (`invalid_grant` matters to the
 * caller) when `raw`, else become an OAuthError with a readable message.
 */
export async function tokenResponse(
  request: () => Promise<Response>,
  process: (res: Response) => Promise<OAuth.TokenEndpointResponse>,
  ctx: { logger: Logger; dpop?: OAuth.DPoPHandle },
  raw = false,
): Promise<OAuth.TokenEndpointResponse> {
  let tokens: OAuth.TokenEndpointResponse;
  try {
    try {
      tokens = await process(await request());
    } catch (err) {
      if (ctx.dpop === undefined || !oauthLib().isDPoPNonceError(err)) throw err;
      tokens = await process(await request());
    }
  } catch (err) {
    if (raw && (err as { error?: string }).error !== undefined) throw err;
    throw new OAuthError(`the token request failed: ${describe(err)}`);
  }
  for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) if (typeof secret === 'string') ctx.logger.addSecret(secret);
  return tokens;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new OAuthError('sign-in aborted'));
    }, { once: true });
  });
}
