import type { SendHttp } from '../http/http-types';
import type { Logger } from '../log/logger';
import type { AuthProvider } from './auth-provider';
import { CommandProvider } from './command-provider';
import { openBrowser } from './open-browser';
import { configSecrets, type OAuthConfig } from './oauth-config';
import { fetchOverSend } from './oauth-fetch';
import { OAuthProvider } from './oauth-provider';
import { OAuthStore } from './oauth-store';
import { withAuthorization } from './with-authorization';

/** Longest wait for one OAuth HTTP call (metadata, registration, token). */
const OAUTH_HTTP_TIMEOUT_MS = 30_000;

export interface AuthorizationSettings {
  url: string;
  oauth: OAuthConfig;
  /** Whether anything may be written on stderr (false with --quiet / --log-level off). */
  stderr: boolean;
}

/**
 * The bridge's HTTP port with the configured authorization: --auth-command, OAuth sign-in
 * (auto or on), or `send` itself when a static --auth is all there is. OAuth's own calls go
 * through `send` (the unwrapped port), so they use the same TLS and proxy settings.
 */
export function authorizeSend(send: SendHttp, settings: AuthorizationSettings, logger: Logger, env: NodeJS.ProcessEnv = process.env): SendHttp {
  const provider = authProvider(send, settings, logger, env);
  return provider === undefined ? send : withAuthorization(send, provider);
}

function authProvider(send: SendHttp, { url, oauth, stderr }: AuthorizationSettings, logger: Logger, env: NodeJS.ProcessEnv): AuthProvider | undefined {
  for (const secret of configSecrets(oauth)) logger.addSecret(secret);
  if (oauth.authCommand !== undefined) return new CommandProvider(oauth.authCommand, oauth.authTimeoutMs, logger);
  if (oauth.mode === 'off') return undefined;
  return new OAuthProvider({
    config: oauth,
    serverUrl: url,
    store: new OAuthStore(oauth.storeDir),
    fetch: fetchOverSend(send, OAUTH_HTTP_TIMEOUT_MS),
    logger,
    // What the user must see (the URL to open, the device code) is written whatever the log
    // level, unless stderr must stay empty; it never goes to stdout (JSON-RPC only).
    announce: (line) => {
      if (stderr) process.stderr.write(logger.redact(line) + '\n');
    },
    openUrl: (target) => openBrowser(target, env, logger),
  });
}
