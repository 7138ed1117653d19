/**
 * Logging (winston): JSON lines when stdout is not a terminal (journald, files), readable text on a
 * terminal. Secrets never appear: {@link Secret}s serialise as `[redacted]`, and any string that
 * looks like an Okta token header or a password field is masked before it is written.
 */
import winston from 'winston';

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

/** The log levels and line formats (the `log:` config section offers these). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const LOG_FORMATS = ['auto', 'json', 'text'] as const;

export interface LogOptions {
  level: (typeof LOG_LEVELS)[number];
  format: (typeof LOG_FORMATS)[number];
  /** Where lines go; defaults to stdout. Tests pass a stream. */
  stream?: NodeJS.WritableStream;
  isTty?: boolean;
}

const TOKEN_PATTERNS: [RegExp, string][] = [
  [/\bSSWS\s+[A-Za-z0-9_\-.]+/g, 'SSWS [redacted]'],
  [/\b(Bearer|DPoP)\s+[A-Za-z0-9_\-.=]+/g, '$1 [redacted]'],
  // `password=…`, `"token":"…"`, `bindPassword: …` (a name ending in one of the words); not a key
  // path of the configuration (`okta.token: …` in a config warning is followed by prose, not a secret)
  [/(?<![.\w])("?\w*(?:password|passwd|pwd|token|secret)"?\s*[:=]\s*)("[^"]*"|[^\s,}]+)/gi, '$1[redacted]'],
];

export function scrub(text: string): string {
  let out = text;
  for (const [re, rep] of TOKEN_PATTERNS) out = out.replace(re, rep);
  return out;
}

const SECRET_KEY = /pass(word)?|pwd|secret|token|credential|authorization/i;

const scrubFormat = winston.format((info) => {
  if (typeof info.message === 'string') info.message = scrub(info.message);
  for (const key of Object.keys(info)) {
    const v = (info as Record<string, unknown>)[key];
    if (key === 'level' || key === 'message') continue;
    // a field named like a secret is never printed, whatever it holds
    if (SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'object') (info as Record<string, unknown>)[key] = '[redacted]';
    else if (typeof v === 'string') (info as Record<string, unknown>)[key] = scrub(v);
  }
  return info;
});

export function createLogger(opts: LogOptions): Logger {
  const stream = opts.stream ?? process.stdout;
  const tty = opts.isTty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const json = opts.format === 'json' || (opts.format === 'auto' && !tty);
  const format = json
    ? winston.format.combine(winston.format.timestamp(), scrubFormat(), winston.format.json())
    : winston.format.combine(
        scrubFormat(),
        winston.format.printf((info) => {
          const { level, message, timestamp: _t, ...meta } = info as Record<string, unknown>;
          const rest = Object.keys(meta).length
            ? ' ' +
              Object.entries(meta)
                .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                .join(' ')
            : '';
          return `${String(level).padEnd(5)} ${String(message)}${rest}`;
        }),
      );
  return winston.createLogger({
    level: opts.level,
    format,
    transports: [new winston.transports.Stream({ stream })],
  });
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
