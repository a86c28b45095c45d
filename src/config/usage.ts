/** The --help text. Kept beside the option table in config.ts; the README carries the same table. */
export const USAGE = `mcp-rx-bridge: MCP stdio <-> Streamable HTTP bridge

Usage:
  mcp-rx-bridge --url <https://host/mcp> [options]
  mcp-rx-bridge <url> [options]
  mcp-rx-bridge --demo            (bridge to a built-in local demo MCP server)

Reads one JSON-RPC message per line on stdin, forwards it over HTTP, writes every message of the
answer as one line on stdout. Logs go to stderr (or --log-file), never to stdout.

Options (environment variable in brackets):
  --url <url>                   server endpoint [MCP_SERVER_URL]
  --no-url-rewrite              use a ContextForge /servers/<id> URL exactly as given
  --transport <mode>            auto | streamable-http | sse (default auto) [MCP_TRANSPORT]
  --protocol <mode>             auto | passthrough (default auto): translate between MCP 2025
                                (initialize) and 2026-07-28 (stateless) when host and server share
                                no revision; passthrough never does [MCP_PROTOCOL]
  --auth <value>                Authorization header value [MCP_AUTH]
  -H, --header "Name: value"    extra header, repeatable; \${VAR} expands from the environment
  --timeout <s>                 response timeout per request, reset by progress; 0 = none (60)
                                [MCP_TOOL_CALL_TIMEOUT]
  --connect-timeout <s>         TCP/TLS connect timeout (15)
  --concurrency <n>             requests in flight at once (10) [CONCURRENCY]
  --content-type <type>         request body encoding: application/json (default),
                                application/x-www-form-urlencoded, auto
                                [MCP_CONTENT_TYPE, FORGE_CONTENT_TYPE; -c/--mcp-content-type]
  --max-message-bytes <n>       largest message, stdin line or SSE event (67108864)
  --shutdown-timeout <s>        at stdin EOF, how long in-flight requests may finish (30)
  --retries <n>                 attempts for a request that failed before any response byte (5)
  --retry-base <s>, --retry-max <s>   backoff base and cap (0.25, 8)
  --tls-cert <file>             extra CA certificates, PEM [TLS_CERT]
  --client-cert <file>, --client-key <file>   client certificate for mutual TLS
  --insecure                    do not verify server certificates (warns) [INSECURE, SKIP_SSL_VERIFY]
  --http2                       use HTTP/2 [HTTP2]
  --http-pool-size <n>          max sockets for requests; 0 = --concurrency (the GET stream,
                                notifications and answers have 4 more of their own) [HTTP_POOL_SIZE]
  --http-pool-idle-timeout <s>  close idle pooled sockets after this long (90) [HTTP_POOL_IDLE_TIMEOUT]
  --log-level <level>           off | error | warn | info | debug (warn)
                                [MCP_WRAPPER_LOG_LEVEL, LOG_LEVEL]
  --log-file <path>             append logs to a file instead of stderr [MCP_LOG_FILE]
  --log-format <fmt>            text | json (text)
  -q, --quiet                   no logs at all
  --demo                        start the built-in demo MCP server on 127.0.0.1 and bridge to it
  -h, --help                    this text
  -V, --version                 the version

OAuth sign-in (used when the server answers 401 with a Bearer challenge and no --auth is set,
or whenever one of these flags is given; tokens are stored and refreshed):
  --static-oauth-client-info <json|@file>      pre-registered client: {"client_id", "client_secret"?}
  --static-oauth-client-metadata <json|@file>  extra metadata for dynamic client registration
  --client-metadata-url <https url>   Client ID Metadata Document URL (when the server supports it)
  --oauth-callback-port <n>     loopback port for the browser's redirect (default: a free port)
  --oauth-store <dir>           token store (default: the user config dir) [MCP_OAUTH_STORE]
  --device-code                 sign in with a code on another device (RFC 8628), no browser here
  --client-credentials          machine to machine: client_id + secret, or --oauth-private-key
  --oauth-private-key <pem>     private_key_jwt client authentication
  --oauth-scope <scopes>        scopes to request instead of the server's suggestion
  --dpop                        DPoP-bound tokens (RFC 9449); automatic when the server requires them
  --resource <uri>              the RFC 8707 resource instead of the discovered one
  --auth-command "<cmd>"        run a command whose stdout is the token; again on 401 [MCP_AUTH_COMMAND]
  --idp-id-token <token|@file>  cross-app access (SEP-990): your ID token from the enterprise IdP [MCP_IDP_ID_TOKEN]
  --idp-id-token-command "<cmd>"  cross-app access: a command that prints the ID token
  --idp-issuer <url>            cross-app access: the IdP (or --idp-token-endpoint <url>)
  --idp-client-info <json|@file>  cross-app access: the client at the IdP {"client_id", "client_secret"?}
  --auth-timeout <s>            longest wait for sign-in or --auth-command (300)
  --oauth-logout                remove the stored tokens for --url and exit
  (BROWSER names the command that opens the sign-in page; the URL is printed on stderr too.)

HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.
`;
