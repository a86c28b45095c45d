// fs.promises (a getter of node:fs, read on first use), not an import of node:fs/promises, which
// the CLI's bundle would load at every start-up: with its readline and fs watchers, ~2.5 ms and
// 0.4 MiB (measured on the machine of the bench), for a grant few bridges use.
import { promises as fs } from 'node:fs';
import { preRegistered, describe, options, tokenOptions } from './client-identity';
import { OAuthError, serverMetadata } from './discovery';
import { tokenResponse, type GrantContext } from './grants';
import type { CrossAppAccessConfig } from './oauth-config';
import { oauthLib, type OAuth } from './oauth-lib';
import { runTokenCommand } from './token-command';

/** RFC 8693 and the ID-JAG draft (draft-ietf-oauth-identity-assertion-authz-grant). */
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
/** RFC 7523 section 2.1. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Cross-app access (SEP-990, the MCP Enterprise-Managed Authorization extension), both legs:
 * 1. at the enterprise IdP, token exchange (RFC 8693): the user's ID token for an ID-JAG whose
 *    `audience` is the MCP server's authorization server (its issuer) and whose `resource` is the
 *    MCP server (RFC 8707), with the scope wanted;
 * 2. at the MCP server's authorization server, the ID-JAG as a JWT bearer grant (RFC 7523),
 *    authenticated as the pre-registered client the ID-JAG names, `resource` again.
 * No browser and no user interaction: when the access token expires the whole exchange runs
 * again (an ID token file or command is read again for that).
 */
export async function crossAppAccessGrant(ctx: GrantContext, xaa: CrossAppAccessConfig): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  const idToken = await readIdToken(xaa, ctx);
  const idp = await identityProvider(xaa, ctx);
  const idpClient = preRegistered(xaa.client, idp);
  const exchange: Record<string, string> = {
    requested_token_type: ID_JAG_TYPE,
    audience: ctx.as.issuer,
    resource: ctx.resource,
    subject_token: idToken,
    subject_token_type: ID_TOKEN_TYPE,
  };
  if (ctx.scope !== undefined) exchange.scope = ctx.scope;
  ctx.logger.info(`OAuth: exchanging the ID token at ${idp.token_endpoint} for an identity assertion grant (ID-JAG)`);
  const exchanged = await oauth.genericTokenEndpointRequest(idp, idpClient.client, idpClient.auth, TOKEN_EXCHANGE, exchange, options({ as: idp, fetch: ctx.fetch }));
  let grant: OAuth.TokenEndpointResponse;
  try {
    // RFC 8693 2.2.1: the issued token is in `access_token`; an ID-JAG is no access token, so its
    // token_type is "N_A" (which oauth4webapi refuses unless told it is expected).
    grant = await oauth.processGenericTokenEndpointResponse(idp, idpClient.client, exchanged, { recognizedTokenTypes: { n_a: () => undefined } });
  } catch (err) {
    const code = (err as { error?: string }).error;
    const hint = code === 'invalid_grant' ? ' (the ID token is expired or not for this client: give a fresh one)' : '';
    throw new OAuthError(`the identity provider refused the token exchange: ${describe(err)}${hint}`);
  }
  ctx.logger.addSecret(grant.access_token);
  if (grant.issued_token_type !== ID_JAG_TYPE) {
    throw new OAuthError(`the identity provider issued ${JSON.stringify(grant.issued_token_type)}, not an identity assertion grant (${ID_JAG_TYPE})`);
  }
  const parameters: Record<string, string> = { assertion: grant.access_token, resource: ctx.resource };
  if (ctx.scope !== undefined) parameters.scope = ctx.scope;
  try {
    return await tokenResponse(
      () => oauth.genericTokenEndpointRequest(ctx.as, ctx.identity.client, ctx.identity.auth, JWT_BEARER, parameters, tokenOptions(ctx)),
      (res) => oauth.processGenericTokenEndpointResponse(ctx.as, ctx.identity.client, res),
      ctx,
      true,
    );
  } catch (err) {
    throw new OAuthError(`${ctx.as.issuer} refused the identity assertion grant: ${describe(err)}`);
  }
}

/** The ID token, read at each exchange (a file or command may have a fresher one by now). */
async function readIdToken(xaa: CrossAppAccessConfig, ctx: GrantContext): Promise<string> {
  const source = xaa.idToken;
  let token: string | undefined;
  if (source.from === 'value') token = source.value;
  else if (source.from === 'command') token = await runTokenCommand(source.command, ctx.timeoutMs, ctx.logger, '--idp-id-token-command');
  else {
    token = await fs.readFile(source.path, 'utf8').then(
      (text) => text.trim(),
      (err: Error) => {
        throw new OAuthError(`--idp-id-token: cannot read ${source.path}: ${err.message}`);
      },
    );
  }
  if (token === undefined || token === '') throw new OAuthError('no ID token for cross-app access (--idp-id-token, --idp-id-token-command, MCP_IDP_ID_TOKEN)');
  ctx.logger.addSecret(token);
  return token;
}

/** The IdP's metadata from --idp-issuer, or just its token endpoint from --idp-token-endpoint. */
async function identityProvider(xaa: CrossAppAccessConfig, ctx: GrantContext): Promise<OAuth.AuthorizationServer> {
  if (xaa.tokenEndpoint !== undefined) return { issuer: new URL(xaa.tokenEndpoint).origin, token_endpoint: xaa.tokenEndpoint };
  const found = await serverMetadata(xaa.issuer!, ctx.fetch, ctx.logger);
  if (found === undefined) throw new OAuthError(`no metadata for the identity provider ${xaa.issuer} (RFC 8414 or OpenID discovery): pass --idp-token-endpoint instead`);
  if (typeof found.token_endpoint !== 'string') throw new OAuthError(`the identity provider ${xaa.issuer} names no token_endpoint`);
  return found;
}
