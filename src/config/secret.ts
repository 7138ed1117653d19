/**
 * Resolving secret references (syntax and the redacting {@link Secret} wrapper: util/secret.ts)
 * while the configuration loads, so a reference that cannot be resolved is reported with the other
 * configuration errors (file, line, key).
 *
 * Why resolution is injected into the stage schemas rather than done by them: resolving reads the
 * environment and files, which is the loader's business, not a stage's. A stage that has a secret
 * field (directory/schema.ts: bindPassword, okta/schema.ts: token) builds its section from a
 * {@link secretRef}-shaped factory it is given; config/schema.ts gives it this one. The stages so
 * declare "a secret goes here" and its output type (Secret) without importing config/.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { Secret, SECRET_REFERENCE } from '../util/secret';

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

/**
 * A secret field of the configuration: a reference (documented in the JSON schema), resolved to a
 * {@link Secret} while parsing; an unresolvable reference is an issue on that key.
 */
export function secretRef(what: string): z.ZodType<Secret, string> {
  return z
    .string()
    .describe(`${what}, as a reference: \${env:NAME}, \${file:/absolute/path} or \${credential:NAME} (systemd LoadCredential=). Never the secret itself.`)
    .transform((ref, ctx): Secret => {
      const r = resolveSecret(ref);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }
      return r.secret;
    });
}
