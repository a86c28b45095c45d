/** Log levels, most severe first; `off` disables logging. */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'text' | 'json';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
const DISABLING = new Set(['OFF', 'NONE', 'DISABLE', 'DISABLED', 'FALSE', '0', '']);

/**
 * Reads a level the way both reference wrappers accept it: case-insensitive names, Python's
 * WARNING/CRITICAL/TRACE spellings, and OFF / NONE / DISABLE / FALSE / 0 / empty to disable.
 * Returns undefined for anything else so that the caller can report it.
 */
export function parseLogLevel(raw: string | undefined): LogLevel | undefined {
  if (raw === undefined) return undefined;
  const name = raw.trim().toUpperCase();
  if (DISABLING.has(name)) return 'off';
  switch (name) {
    case 'ERROR':
    case 'CRITICAL':
    case 'FATAL':
      return 'error';
    case 'WARN':
    case 'WARNING':
      return 'warn';
    case 'INFO':
      return 'info';
    case 'DEBUG':
    case 'TRACE':
      return 'debug';
    default:
      return undefined;
  }
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Values that must never appear in a log line (Authorization, header values, ...). */
  secrets?: readonly string[];
  /** Where lines go (a log file: see file-sink.ts); stderr by default, never stdout. */
  sink?: (line: string) => void;
}

/**
 * A leveled logger for stderr or a file. It never writes to stdout, and every line passes
 * through `redact`, which replaces each configured secret by "***" wherever it occurs: a secret
 * that reaches a message through an error text or a URL is caught as well.
 */
export class Logger {
  private readonly rank: number;
  private readonly secrets: string[];
  private readonly write: (line: string) => void;

  constructor(private readonly options: LoggerOptions) {
    this.rank = RANK[options.level];
    // Longest first, so that a secret containing another is replaced whole. Very short values
    // (a header "1") would blank out unrelated text and protect nothing.
    this.secrets = [...new Set((options.secrets ?? []).flatMap(secretForms))].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    this.write = options.sink ?? defaultSink;
  }

  static silent(): Logger {
    return new Logger({ level: 'off', format: 'text' });
  }

  /**
   * Adds a secret obtained while running (an OAuth access or refresh token, a client secret, an
   * authorization code): from now on it is redacted like the configured ones.
   */
  addSecret(secret: string): void {
    const fresh = secretForms(secret).filter((s) => s.length >= 4 && !this.secrets.includes(s));
    if (fresh.length === 0) return;
    this.secrets.push(...fresh);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return RANK[level] <= this.rank;
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }

  private log(level: Exclude<LogLevel, 'off'>, message: string, fields?: Record<string, unknown>): void {
    if (RANK[level] > this.rank) return;
    // One log record, one line: multi-line error texts (OpenSSL's) are folded.
    message = message.replace(/\s*[\r\n]+\s*/g, ' ');
    const time = new Date().toISOString();
    const pid = typeof process !== 'undefined' ? process.pid : 0;
    let line: string;
    if (this.options.format === 'json') {
      line = JSON.stringify({ time, level, pid, msg: message, ...fields });
    } else {
      const extra = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
      line = `${time} mcp-rx-bridge[${pid}] ${level.toUpperCase()} ${message}${extra}`;
    }
    try {
      this.write(escapeControls(this.redact(line)) + '\n');
    } catch {
      // A log that cannot be written must never take the bridge down.
    }
  }
}

/**
 * Control characters a terminal acts on (C0 but the line's own LF, DEL, C1 with CSI \x9b) and the
 * characters that reorder or break what is shown (U+2028/2029, bidi overrides): server text in a
 * log (an invalid body, a status text) must not clear the screen, retitle the window or hide a
 * line. Written as \uXXXX, a valid JSON escape: a json-format line stays parseable and decodes
 * to the original text. Runs after redaction, so that secrets are matched as they were given.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeControls(line: string): string {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(line) ? line.replace(CONTROLS, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : line;
}

/** stderr in Node; the console elsewhere (the library runs in browsers too). */
function defaultSink(line: string): void {
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(line);
  else console.error(line.trimEnd());
}

/**
 * The forms in which a secret can show up in a line: as given; its credential alone ("Bearer X"
 * → "X", as an echoing server or a parse error quotes it); and JSON-escaped, as the json format
 * writes it.
 */
function secretForms(secret: string): string[] {
  const forms = [secret];
  const space = secret.indexOf(' ');
  if (space > 0) forms.push(secret.slice(space + 1).trim());
  for (const form of [...forms]) {
    const escaped = JSON.stringify(form).slice(1, -1);
    if (escaped !== form) forms.push(escaped);
  }
  return forms;
}
