import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { isLoopback } from './resource-url';

/** How the bridge obtains the Authorization header (see the README's "OAuth sign-in"). */
export interface OAuthConfig {
  /**
   * off: a static --auth/MCP_AUTH credential and no OAuth flag (the server's 401 is passed on);
   * auto: no credential configured: a 401 carrying a `Bearer` challenge starts sign-in;
   * on: an OAuth flag was given: any 401 starts sign-in (replacing a static --auth).
   */
  mode: 'off' | 'auto' | 'on';
  grant: 'authorization_code' | 'device_code' | 'client_credentials' | 'cross_app_access';
  /** The enterprise identity provider's side of cross-app access (grant 'cross_app_access'). */
  crossAppAccess?: CrossAppAccessConfig;
  /** Pre-registered client: client_id, optional client_secret and token_endpoint_auth_method. */
  staticClientInfo?: StaticClientInfo;
  /** Extra client metadata for dynamic registration (client_name, scope, ...). */
  staticClientMetadata?: Record<string, unknown>;
  /** Client ID Metadata Document URL, used when the authorization server supports it. */
  clientMetadataUrl?: string;
  /** Loopback callback port; undefined: the port of the stored registration, else a free one. */
  callbackPort?: number;
  storeDir: string;
  /** RFC 9449: ask for DPoP-bound tokens (also done when the server requires or offers them). */
  dpop: boolean;
  /** PEM private key for private_key_jwt client authentication. */
  privateKeyFile?: string;
  /** Scope to request instead of the one the server suggests. */
  scope?: string;
  /** The RFC 8707 resource instead of the discovered one. */
  resource?: string;
  /** A command whose stdout is the token (replaces OAuth). */
  authCommand?: string;
  /** Remove the stored tokens for the server and exit. */
  logout: boolean;
  /** Longest wait for the user (browser, device code), an --auth-command, or another process's sign-in. */
  authTimeoutMs: number;
}

/**
 * Cross-app access (SEP-990, the MCP Enterprise-Managed Authorization extension): the user's ID
 * token from the enterprise identity provider (IdP) is exchanged there for an identity assertion
 * grant (ID-JAG, RFC 8693), which the MCP server's authorization server takes as a JWT bearer
 * grant (RFC 7523). No browser: the enterprise SSO already happened.
 */
export interface CrossAppAccessConfig {
  /** Where the ID token comes from; a file and a command are read again at every exchange. */
  idToken: { from: 'value'; value: string } | { from: 'file'; path: string } | { from: 'command'; command: string };
  /** The IdP's issuer (its token endpoint discovered, RFC 8414 / OpenID), or its token endpoint. */
  issuer?: string;
  tokenEndpoint?: string;
  /** The bridge's client at the IdP: client_id, optional client_secret and token_endpoint_auth_method. */
  client: StaticClientInfo;
}

export interface StaticClientInfo {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: string;
  [name: string]: unknown;
}

/** The OAuth flags, spread into config.ts's OPTIONS (util.parseArgs). */
export const OAUTH_OPTIONS = {
  'static-oauth-client-info': { type: 'string' },
  'static-oauth-client-metadata': { type: 'string' },
  'client-metadata-url': { type: 'string' },
  'oauth-callback-port': { type: 'string' },
  'oauth-store': { type: 'string' },
  'device-code': { type: 'boolean' },
  'client-credentials': { type: 'boolean' },
  'oauth-private-key': { type: 'string' },
  dpop: { type: 'boolean' },
  'oauth-scope': { type: 'string' },
  resource: { type: 'string' },
  'auth-command': { type: 'string' },
  'oauth-logout': { type: 'boolean' },
  'auth-timeout': { type: 'string' },
  'idp-id-token': { type: 'string' },
  'idp-id-token-command': { type: 'string' },
  'idp-issuer': { type: 'string' },
  'idp-token-endpoint': { type: 'string' },
  'idp-client-info': { type: 'string' },
} as const;

type Values = { [K in keyof typeof OAUTH_OPTIONS]?: (typeof OAUTH_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The default store: the user's config directory for the app (env-paths), e.g. ~/.config/mcp-rx-bridge/oauth. */
export function defaultStoreDir(): string {
  return join(envPaths('mcp-rx-bridge', { suffix: '' }).config, 'oauth');
}

/**
 * Reads the OAuth flags (and MCP_OAUTH_STORE, MCP_AUTH_COMMAND). `fail` makes the caller's
 * configuration error, so that a bad flag is reported like every other one (exit status 2).
 */
export function buildOAuthConfig(v: Values, env: NodeJS.ProcessEnv, hasStaticAuth: boolean, fail: (message: string) => Error): OAuthConfig {
  const authCommand = v['auth-command'] ?? nonEmpty(env.MCP_AUTH_COMMAND);
  const oauthFlags = (Object.keys(OAUTH_OPTIONS) as Array<keyof typeof OAUTH_OPTIONS>).filter(
    (k) => k !== 'auth-command' && k !== 'auth-timeout' && k !== 'oauth-store' && k !== 'oauth-logout' && v[k] !== undefined && v[k] !== false,
  );
  if (authCommand !== undefined && hasStaticAuth) throw fail('--auth-command and --auth (MCP_AUTH) exclude each other');
  if (authCommand !== undefined && oauthFlags.length > 0) throw fail(`--auth-command replaces OAuth sign-in: drop --${oauthFlags[0]}`);
  if (v['device-code'] && v['client-credentials']) throw fail('--device-code and --client-credentials exclude each other');
  const crossAppAccess = crossAppAccessConfig(v, env, fail);
  if (crossAppAccess !== undefined && (v['device-code'] || v['client-credentials'])) throw fail(`cross-app access (--idp-*) and --${v['device-code'] ? 'device-code' : 'client-credentials'} exclude each other`);

  const staticClientInfo = v['static-oauth-client-info'] === undefined ? undefined : (jsonArg('--static-oauth-client-info', v['static-oauth-client-info'], fail) as StaticClientInfo);
  if (staticClientInfo !== undefined && typeof staticClientInfo.client_id !== 'string') throw fail('--static-oauth-client-info needs a "client_id"');
  const staticClientMetadata = v['static-oauth-client-metadata'] === undefined ? undefined : jsonArg('--static-oauth-client-metadata', v['static-oauth-client-metadata'], fail);
  if (v['client-credentials'] && staticClientInfo === undefined) {
    throw fail('--client-credentials needs --static-oauth-client-info with the client_id (and a client_secret, or --oauth-private-key)');
  }
  if (v['client-credentials'] && staticClientInfo?.client_secret === undefined && v['oauth-private-key'] === undefined) {
    throw fail('--client-credentials needs a client_secret in --static-oauth-client-info, or --oauth-private-key');
  }
  // SEP-990: the ID-JAG names the client it was issued to, so the client at the MCP server's
  // authorization server is pre-registered (and confidential).
  if (crossAppAccess !== undefined && staticClientInfo === undefined) {
    throw fail('cross-app access needs --static-oauth-client-info with the client_id (and client_secret) registered at the MCP server\'s authorization server');
  }
  const clientMetadataUrl = v['client-metadata-url'];
  if (clientMetadataUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(clientMetadataUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' || url.pathname === '/') throw fail('--client-metadata-url must be an https URL with a path');
  }
  let callbackPort: number | undefined;
  if (v['oauth-callback-port'] !== undefined) {
    callbackPort = Number(v['oauth-callback-port']);
    if (!Number.isInteger(callbackPort) || callbackPort < 1 || callbackPort > 65535) throw fail(`--oauth-callback-port must be a port number; got ${JSON.stringify(v['oauth-callback-port'])}`);
  }
  const resource = v.resource;
  if (resource !== undefined) {
    try {
      if (new URL(resource).hash !== '') throw new Error('fragment');
    } catch {
      throw fail('--resource must be an absolute URI without a fragment');
    }
  }
  const timeoutRaw = v['auth-timeout'];
  const authTimeoutS = timeoutRaw === undefined ? 300 : Number(timeoutRaw);
  if (!Number.isFinite(authTimeoutS) || authTimeoutS <= 0) throw fail(`--auth-timeout must be a number of seconds > 0; got ${JSON.stringify(timeoutRaw)}`);

  return {
    mode: authCommand !== undefined ? 'off' : oauthFlags.length > 0 ? 'on' : hasStaticAuth ? 'off' : 'auto',
    grant: crossAppAccess ? 'cross_app_access' : v['device-code'] ? 'device_code' : v['client-credentials'] ? 'client_credentials' : 'authorization_code',
    crossAppAccess,
    staticClientInfo,
    staticClientMetadata,
    clientMetadataUrl,
    callbackPort,
    storeDir: v['oauth-store'] ?? nonEmpty(env.MCP_OAUTH_STORE) ?? defaultStoreDir(),
    privateKeyFile: v['oauth-private-key'],
    dpop: v.dpop === true,
    scope: v['oauth-scope'],
    resource,
    authCommand,
    logout: v['oauth-logout'] === true,
    authTimeoutMs: Math.round(authTimeoutS * 1000),
  };
}

/**
 * The --idp-* flags: undefined when none is given. The ID token comes from --idp-id-token (the
 * value, or @file read again at every exchange: a file a login helper rewrites stays current),
 * --idp-id-token-command (run at every exchange), or MCP_IDP_ID_TOKEN (keeps it out of `ps`).
 */
function crossAppAccessConfig(v: Values, env: NodeJS.ProcessEnv, fail: (message: string) => Error): CrossAppAccessConfig | undefined {
  const given = (['idp-id-token', 'idp-id-token-command', 'idp-issuer', 'idp-token-endpoint', 'idp-client-info'] as const).filter((k) => v[k] !== undefined);
  if (given.length === 0) return undefined;
  const token = v['idp-id-token'];
  const command = v['idp-id-token-command'];
  const fromEnv = nonEmpty(env.MCP_IDP_ID_TOKEN);
  if (token !== undefined && command !== undefined) throw fail('--idp-id-token and --idp-id-token-command exclude each other');
  const idToken: CrossAppAccessConfig['idToken'] | undefined =
    command !== undefined ? { from: 'command', command }
    : token?.startsWith('@') ? { from: 'file', path: token.slice(1) }
    : token !== undefined ? { from: 'value', value: token }
    : fromEnv !== undefined ? { from: 'value', value: fromEnv }
    : undefined;
  if (idToken === undefined) throw fail('cross-app access needs the ID token: --idp-id-token <token|@file>, --idp-id-token-command "<cmd>" or MCP_IDP_ID_TOKEN');
  const issuer = v['idp-issuer'];
  const tokenEndpoint = v['idp-token-endpoint'];
  if ((issuer === undefined) === (tokenEndpoint === undefined)) throw fail('cross-app access needs exactly one of --idp-issuer <url> and --idp-token-endpoint <url>');
  const where = issuer ?? tokenEndpoint!;
  if (!secureUrl(where)) throw fail(`--${issuer !== undefined ? 'idp-issuer' : 'idp-token-endpoint'} must be an https URL (http only on loopback)`);
  if (v['idp-client-info'] === undefined) throw fail('cross-app access needs --idp-client-info <json|@file> with the client_id registered at the identity provider');
  const client = jsonArg('--idp-client-info', v['idp-client-info'], fail) as StaticClientInfo;
  if (typeof client.client_id !== 'string') throw fail('--idp-client-info needs a "client_id"');
  return { idToken, issuer, tokenEndpoint, client };
}

/** https, or http to a loopback host (tests, a local IdP): the ID token travels there. */
function secureUrl(raw: string): boolean {
  try {
    const protocol = new URL(raw).protocol;
    return protocol === 'https:' || (protocol === 'http:' && isLoopback(raw));
  } catch {
    return false;
  }
}

/** `<json>` or `@file` (mcp-remote's convention). */
function jsonArg(name: string, raw: string, fail: (message: string) => Error): Record<string, unknown> {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (err) {
      throw fail(`${name}: cannot read ${raw.slice(1)}: ${(err as Error).message}`);
    }
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    // Not the parser's message: it quotes the text, which may hold a client secret.
    throw fail(`${name} must be a JSON object or @file${err instanceof SyntaxError ? ' (not valid JSON)' : ''}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The secrets in the configuration, for the logger's redaction list. */
export function configSecrets(config: OAuthConfig): string[] {
  const xaa = config.crossAppAccess;
  const secrets = [config.staticClientInfo?.client_secret, xaa?.client.client_secret, xaa?.idToken.from === 'value' ? xaa.idToken.value : undefined];
  return secrets.filter((s): s is string => typeof s === 'string' && s !== '');
}
