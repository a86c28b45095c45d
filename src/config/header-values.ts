/** `--header "Name: value"` parsing with `${VAR}` expansion from the environment, as mcp-remote does. */

export class InvalidHeaderError extends Error {}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Replaces each `${NAME}` with the variable's value (empty when unset). */
export function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(ENV_REF, (_, name: string) => env[name] ?? '');
}

/** Parses "Name: value" (the first colon separates; "Name:value" is accepted too). */
export function parseHeader(spec: string, env: NodeJS.ProcessEnv): [string, string] {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new InvalidHeaderError(`--header must look like "Name: value", got ${JSON.stringify(spec.split(':')[0])}`);
  const name = spec.slice(0, colon).trim();
  if (!TOKEN.test(name)) throw new InvalidHeaderError(`--header has an invalid header name: ${JSON.stringify(name)}`);
  const value = expandEnv(spec.slice(colon + 1).trim(), env);
  if (/[\r\n\0]/.test(value)) throw new InvalidHeaderError(`--header ${name}: the value contains a line break or NUL`);
  return [name, value];
}
