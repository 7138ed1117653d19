/**
 * Logging (winston): JSON lines when stdout is not a terminal (journald, files), readable text on a
 * terminal. Secrets never appear: {@link Secret}s serialise as `[redacted]`, and any string that
 * looks like an Okta token header or a password field is masked before it is written.
 *
 * With `maskPii` (config `log.maskPii`), personal data is masked too, keeping what support needs:
 * e-mail addresses keep their first character and domain (`j***@corp.example`), DNs keep their
 * shape with the values of naming attributes masked (`cn=J***,ou=People,dc=corp,dc=example`), and
 * fields named like a person's attributes (login, email, firstName, displayName, cn, mobilePhone…)
 * are masked wherever they are, nested profiles included. Anchors (GUIDs, entryUUIDs), run ids,
 * counts, error codes and organisational DN parts stay readable.
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
  /** Mask names, e-mail addresses and other personal attributes (see the module comment). */
  maskPii?: boolean;
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

/** Attributes that name or reach a person: masked in DNs (as RDN types) and as field names. */
const PERSONAL_ATTRIBUTES = [
  'cn',
  'uid',
  'sAMAccountName',
  'userPrincipalName',
  'displayName',
  'name',
  'givenName',
  'sn',
  'surname',
  'initials',
  'mail',
  'email',
  'secondEmail',
  'login',
  'firstName',
  'lastName',
  'middleName',
  'nickName',
  'honorificPrefix',
  'honorificSuffix',
  'fullName',
  'mobilePhone',
  'primaryPhone',
  'telephoneNumber',
  'mobile',
  'homePhone',
  'streetAddress',
  'postalAddress',
  'homePostalAddress',
];
const PERSONAL_KEY = new Set(PERSONAL_ATTRIBUTES.map((a) => a.toLowerCase()));
/**
 * `attr=value` in a DN, where attr names a person; the value runs to the next unescaped , + ; quote,
 * bracket, newline or `: ` (in a log message a DN is followed by a colon or ends the line).
 */
const DN_VALUE = new RegExp(`(^|[\\s,;+"'(\\[{])(${PERSONAL_ATTRIBUTES.join('|')})=((?:\\\\.|:(?! )|[^,+;:"'\\\\\\n)\\]}])+)`, 'gi');
const EMAIL = /([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;

/** A personal value masked: its first character, then `***`. */
export function maskValue(value: string): string {
  if (value === '') return value;
  const email = /^[^@\s]+@(\S+)$/.exec(value);
  if (email) return `${value[0]}***@${email[1]}`;
  return `${[...value][0]}***`;
}

/** E-mail addresses and the values of naming attributes in DNs, masked in free text. */
export function maskPii(text: string): string {
  return text.replace(DN_VALUE, (_m, pre: string, attr: string, value: string) => `${pre}${attr}=${maskValue(value)}`).replace(EMAIL, '$1***@$2');
}

function maskDeep(value: unknown, key: string | undefined, depth: number): unknown {
  if (typeof value === 'string') return key !== undefined && PERSONAL_KEY.has(key.toLowerCase()) ? maskValue(value) : maskPii(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, key, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, k, depth + 1);
  return out;
}

const piiFormat = winston.format((info) => {
  const rec = info as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key === 'level' || key === 'timestamp') continue;
    rec[key] = key === 'message' ? maskPii(String(rec[key])) : maskDeep(rec[key], key, 0);
  }
  return info;
});

export function createLogger(opts: LogOptions): Logger {
  const stream = opts.stream ?? process.stdout;
  const tty = opts.isTty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const json = opts.format === 'json' || (opts.format === 'auto' && !tty);
  const redact = opts.maskPii ? winston.format.combine(scrubFormat(), piiFormat()) : scrubFormat();
  const format = json
    ? winston.format.combine(winston.format.timestamp(), redact, winston.format.json())
    : winston.format.combine(
        redact,
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
