/**
 * Secrets in the configuration are only ever references, resolved at load time:
 *   ${env:NAME}          an environment variable
 *   ${file:/abs/path}    the contents of a file (trailing newline stripped)
 *   ${credential:NAME}   a systemd credential ($CREDENTIALS_DIRECTORY/NAME, see LoadCredential=)
 * A resolved secret is wrapped in {@link Secret}, whose string and JSON forms are redacted, so
 * a secret that reaches a log line, an error message or a report prints as `[redacted]`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export class Secret {
  readonly #value: string;
  constructor(
    value: string,
    readonly reference: string,
  ) {
    this.#value = value;
  }
  /** The secret itself: call only where it is handed to a client library. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return `[redacted ${this.reference}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.reference})`;
  }
}

export const SECRET_REFERENCE = /^\$\{(env|file|credential):([^}]+)\}$/;

export type SecretResult = { ok: true; secret: Secret } | { ok: false; message: string };

/** Resolve one reference; never throws, never puts the secret value in a message. */
export function resolveSecret(reference: string, env: NodeJS.ProcessEnv = process.env): SecretResult {
  const m = SECRET_REFERENCE.exec(reference.trim());
  if (!m) {
    return {
      ok: false,
      message: 'must be a secret reference such as ${env:NAME}, ${file:/path} or ${credential:NAME}; secrets are never written in the configuration itself',
    };
  }
  const [, kind, name] = m;
  if (kind === 'env') {
    const v = env[name];
    if (v === undefined || v === '') return { ok: false, message: `environment variable ${name} (from ${reference}) is not set or empty` };
    return { ok: true, secret: new Secret(v, reference) };
  }
  let path = name;
  if (kind === 'credential') {
    const dir = env.CREDENTIALS_DIRECTORY;
    if (!dir) return { ok: false, message: `${reference}: CREDENTIALS_DIRECTORY is not set (is the service started with LoadCredential=${name}:…?)` };
    path = join(dir, name);
  } else if (!isAbsolute(path)) {
    return { ok: false, message: `${reference}: the file path must be absolute` };
  }
  try {
    const v = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (v === '') return { ok: false, message: `${reference}: file ${path} is empty` };
    return { ok: true, secret: new Secret(v, reference) };
  } catch (e) {
    return { ok: false, message: `${reference}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}
