/**
 * Resolving secret references (syntax and the redacting {@link Secret} wrapper: util/secret.ts)
 * while the configuration loads, so a reference that cannot be resolved is reported with the other
 * configuration errors (file, line, key).
 *
 * Why resolution is injected into the stage schemas rather than done by them: resolving reads the
 * environment and files, which is the loader's business, not a stage's. A stage that has a secret
 * field (directory/schema.ts: bindPassword, okta/schema.ts: token) builds its section from a
 * {@link secretRef}-shaped factory it is given; config/schema.ts gives it one of two:
 * {@link secretRef} (or {@link secretRefIn}, which knows the configuration file's credentials
 * directory) resolves the reference, {@link unresolvedSecretRef} only checks its syntax, for
 * commands that talk to no server (status, quarantine) and so need no secret. The stages so declare
 * "a secret goes here" and its output type (Secret) without importing config/.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { Secret, SECRET_REFERENCE } from '../util/secret';

export type SecretResult = { ok: true; secret: Secret } | { ok: false; message: string };

const NOT_A_REFERENCE =
  'must be a secret reference such as ${env:NAME}, ${file:/path} or ${credential:NAME}; secrets are never written in the configuration itself';

/** Where secrets are looked up besides the environment. */
export interface SecretContext {
  env?: NodeJS.ProcessEnv;
  /**
   * Where `${credential:NAME}` is read when systemd did not pass it ($CREDENTIALS_DIRECTORY unset
   * or without NAME): the `credentials/` directory beside the configuration file, so a command run
   * by hand as the service user reads the same files the unit's LoadCredential= lines name.
   */
  credentialsFallbackDir?: string;
}

/** The file a `${file:}` or `${credential:}` reference reads; undefined for `${env:}`. */
interface SecretFile {
  path: string;
  /** Every place tried, when there were several (for the message). */
  tried: string[];
  /** Read from the credentials directory beside the configuration (not from systemd's). */
  fallback: boolean;
}

function secretFile(reference: string, ctx: SecretContext): SecretFile | { ok: false; message: string } | undefined {
  const m = SECRET_REFERENCE.exec(reference.trim());
  if (!m || m[1] === 'env') return undefined;
  const [, kind, name] = m;
  if (kind === 'credential') {
    const dir = (ctx.env ?? process.env).CREDENTIALS_DIRECTORY;
    const candidates = [dir && join(dir, name), ctx.credentialsFallbackDir && join(ctx.credentialsFallbackDir, name)].filter((p): p is string => !!p);
    if (candidates.length === 0)
      return { ok: false, message: `${reference}: CREDENTIALS_DIRECTORY is not set (is the service started with LoadCredential=${name}:…?)` };
    // the first that exists; else the last, so that its error (ENOENT, EACCES) is the one reported
    const path = candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1];
    return { path, tried: candidates.length > 1 ? candidates : [], fallback: path !== (dir && join(dir, name)) };
  }
  return isAbsolute(name) ? { path: name, tried: [], fallback: false } : { ok: false, message: `${reference}: the file path must be absolute` };
}

/** Resolve one reference; never throws, never puts the secret value in a message. */
export function resolveSecret(reference: string, env: NodeJS.ProcessEnv = process.env, ctx: SecretContext = {}): SecretResult {
  const m = SECRET_REFERENCE.exec(reference.trim());
  if (!m) return { ok: false, message: NOT_A_REFERENCE };
  const [, kind, name] = m;
  if (kind === 'env') {
    const v = env[name];
    if (v === undefined || v === '') return { ok: false, message: `environment variable ${name} (from ${reference}) is not set or empty` };
    return { ok: true, secret: new Secret(v, reference) };
  }
  const file = secretFile(reference, { ...ctx, env });
  if (!file) return { ok: false, message: NOT_A_REFERENCE };
  if (!('path' in file)) return file;
  const { path, tried } = file;
  try {
    const v = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (v === '') return { ok: false, message: `${reference}: file ${path} is empty` };
    return { ok: true, secret: new Secret(v, reference) };
  } catch (e) {
    const where = tried.length ? ` (looked in ${tried.join(' and ')})` : '';
    return { ok: false, message: `${reference}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}${where}` };
  }
}

/**
 * A warning when the file a secret is read from may be read by its group or by everyone (mode
 * 0640, 0644, …): the secret is then only as safe as every account on the machine. The credentials
 * directory beside the configuration is the documented layout (root-owned, mode 0640, the group the
 * service user's own): there only a file everyone may read is a warning.
 */
export function secretFileWarning(secret: Secret, ctx: SecretContext = {}): string | undefined {
  const file = secretFile(secret.reference, ctx);
  if (!file || !('path' in file)) return undefined;
  let mode: number;
  try {
    mode = statSync(file.path).mode & 0o777;
  } catch {
    return undefined; // it was read a moment ago; gone now, nothing to warn about
  }
  if ((mode & (file.fallback ? 0o004 : 0o044)) === 0) return undefined;
  const who = mode & 0o004 ? 'every account on this machine' : "the members of the file's group";
  return `the secret file ${file.path} has mode ${mode.toString(8).padStart(4, '0')}: ${who} can read it; make it 0600, owned by the agent's user (or use a systemd credential, \${credential:NAME})`;
}

const describeSecret = (what: string) =>
  `${what}, as a reference: \${env:NAME}, \${file:/absolute/path} or \${credential:NAME} (systemd LoadCredential=, else the file NAME in credentials/ beside this configuration file). Never the secret itself.`;

/** Makes secret fields that resolve in a context (the environment, the credentials directory). */
export function secretRefIn(ctx: SecretContext): (what: string) => z.ZodType<Secret, string> {
  return (what) =>
    z
      .string()
      .describe(describeSecret(what))
      .transform((ref, zctx): Secret => {
        const r = resolveSecret(ref, ctx.env ?? process.env, ctx);
        if (!r.ok) {
          zctx.addIssue({ code: 'custom', message: r.message });
          return z.NEVER;
        }
        return r.secret;
      });
}

/**
 * A secret field of the configuration: a reference (documented in the JSON schema), resolved to a
 * {@link Secret} while parsing; an unresolvable reference is an issue on that key.
 */
export function secretRef(what: string): z.ZodType<Secret, string> {
  return secretRefIn({})(what);
}

/**
 * A secret field whose reference is checked (the same syntax) but not resolved: the {@link Secret}
 * has no value. For commands that talk to no server.
 */
export function unresolvedSecretRef(what: string): z.ZodType<Secret, string> {
  return z
    .string()
    .describe(describeSecret(what))
    .transform((ref, ctx): Secret => {
      if (!SECRET_REFERENCE.test(ref.trim())) {
        ctx.addIssue({ code: 'custom', message: NOT_A_REFERENCE });
        return z.NEVER;
      }
      return new Secret(undefined, ref);
    });
}
