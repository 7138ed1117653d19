/**
 * Loads a configuration file: YAML → zod schema (defaults, unknown keys rejected, secrets
 * resolved) → every stage's semantic checks (transforms compiled, cron expressions, paths, DN
 * lists). Every error is collected and reported at once as a {@link ConfigError}, each issue with
 * file, line and key path; warnings come back with the loaded configuration, for the command to log.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { composeConfigSchema, configSchemaWithoutSecrets, sourceSchema, type Config } from './schema';
import { secretFileWarning, secretRefIn, type SecretContext } from './secret';
import { Secret } from '../util/secret';
import { semanticChecks, transformChecks } from './checks';
import { transformsSchema } from '../transform/schema';
import { formatPath, type CheckIssue, type KeyPath } from '../util/config-check';
import { parseYamlWithPositions, type ParsedYaml } from './yaml-positions';

export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `source.users.baseDns[0]`. */
  path: string;
  message: string;
  /** A warning does not make the configuration invalid. Default: an error. */
  severity?: 'error' | 'warning';
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export { formatPath };

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file. */
  file: string;
  /** Directory relative paths in the config are resolved against. */
  baseDir: string;
  /** What the checks found suspicious but not wrong (e.g. a DN list YAML split): every command logs these. */
  warnings: ConfigIssue[];
  /** Issues found later (e.g. against the Okta org's user schema) with this file's lines and columns. */
  locate(issues: readonly CheckIssue[]): ConfigIssue[];
}

export interface LoadOptions {
  /**
   * Resolve the secret references (default). false: check their syntax only, for commands that talk
   * to no server (status, quarantine); the secrets then cannot be revealed.
   */
  secrets?: boolean;
}

export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: abs, path: '', message: `cannot read the configuration file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return parseConfigText(text, abs, opts);
}

export function parseConfigText(text: string, file: string, opts: LoadOptions = {}): LoadedConfig {
  const baseDir = dirname(file);
  const parsed = parseYamlWithPositions(text);
  if (parsed.syntaxErrors.length) {
    throw new ConfigError(parsed.syntaxErrors.map((e) => ({ file, line: e.line, column: e.column, path: '', message: `YAML: ${e.message}` })));
  }
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'the configuration must be a YAML mapping (source:, okta:, transforms:, …)' }]);
  }
  const raw = parsed.value as Record<string, unknown>;
  const resolveSecrets = opts.secrets ?? true;
  // ${credential:NAME} falls back to credentials/NAME beside this file (a command run by hand)
  const secrets: SecretContext = { credentialsFallbackDir: join(baseDir, 'credentials') };
  const result = (resolveSecrets ? composeConfigSchema(secretRefIn(secrets)) : configSchemaWithoutSecrets).safeParse(raw);
  const issues: ConfigIssue[] = result.success ? [] : zodIssues(result.error.issues, parsed, file);
  // a `__proto__` key never reaches the schema's output (it would vanish without a word)
  for (const path of protoKeys(raw, []))
    issues.push(located(parsed, file, path, "'__proto__' is not a key: it is an internal of JavaScript objects", '__proto__'));

  // the transforms are compiled whenever their own section parses, so their mistakes are listed too
  const transforms = result.success ? { success: true as const, data: result.data.transforms } : transformsSchema.safeParse(raw.transforms);
  if (transforms.success) {
    const source = result.success ? { success: true as const, data: result.data.source } : sourceSchema.safeParse(raw.source);
    const src = source.success ? resolvePaths({ source: source.data } as Config, baseDir).source : undefined;
    for (const i of transformChecks(transforms.data, src, baseDir)) issues.push(checkIssue(parsed, file, i));
  }
  if (!result.success) throw new ConfigError(sortIssues(issues));

  const config = resolvePaths(result.data, baseDir);
  const warnings: ConfigIssue[] = [];
  for (const i of semanticChecks(config)) (i.severity === 'warning' ? warnings : issues).push(checkIssue(parsed, file, i));
  if (resolveSecrets) {
    for (const [path, secret] of secretsOf(config, [])) {
      const warning = secretFileWarning(secret, secrets);
      if (warning) warnings.push({ ...located(parsed, file, path, warning), severity: 'warning' });
    }
  }
  if (issues.length) throw new ConfigError(sortIssues(issues));
  const locate = (later: readonly CheckIssue[]) => sortIssues(later.map((i) => checkIssue(parsed, file, i)));
  return { config, file, baseDir, warnings: sortIssues(warnings), locate };
}

function located(parsed: ParsedYaml, file: string, path: KeyPath, message: string, key?: string): ConfigIssue {
  const p = parsed.positionOf(path, { key });
  const full = key !== undefined ? [...path, key] : path;
  return { file, line: p?.line, column: p?.column, path: formatPath(full), message };
}

function checkIssue(parsed: ParsedYaml, file: string, i: CheckIssue): ConfigIssue {
  const issue = located(parsed, file, i.path, i.message);
  return i.severity === 'warning' ? { ...issue, severity: 'warning' } : issue;
}

function zodIssues(zissues: z.core.$ZodIssue[], parsed: ParsedYaml, file: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of zissues) {
    const path = i.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push(located(parsed, file, path, `unknown key "${k}"`, k));
    } else if (i.code === 'invalid_type' && valueAt(parsed.value, path) === undefined) {
      out.push(located(parsed, file, path, 'is required'));
    } else if (i.code === 'invalid_key') {
      // a record's key refused by its key schema: say why, not only "Invalid key in record"
      out.push(located(parsed, file, path, i.issues.map((k) => k.message).join('; ')));
    } else if (i.code === 'invalid_union' && 'note' in i && i.note === 'No matching discriminator') {
      out.push(located(parsed, file, [...path, 'type'], 'must be one of: ldap, ldif'));
    } else {
      out.push(located(parsed, file, path, i.message));
    }
  }
  return sortIssues(out);
}

/** Key paths of the mappings that have a `__proto__` key. */
function protoKeys(value: unknown, path: (string | number)[]): KeyPath[] {
  if (value === null || typeof value !== 'object') return [];
  const out: KeyPath[] = Object.prototype.hasOwnProperty.call(value, '__proto__') && !Array.isArray(value) ? [path] : [];
  for (const [k, v] of Object.entries(value)) out.push(...protoKeys(v, [...path, Array.isArray(value) ? Number(k) : k]));
  return out;
}

/** Every secret of a loaded configuration with its key path. */
function secretsOf(value: unknown, path: (string | number)[]): [KeyPath, Secret][] {
  if (value instanceof Secret) return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => secretsOf(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

function valueAt(value: unknown, path: KeyPath): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (!config.state) return { ...config, source: resolveSourcePaths(config.source, abs) };
  return { ...config, source: resolveSourcePaths(config.source, abs), state: { ...config.state, path: abs(config.state.path) } };
}

function resolveSourcePaths(source: Config['source'], abs: (p: string) => string): Config['source'] {
  return source.type === 'ldif'
    ? { ...source, path: abs(source.path) }
    : { ...source, tls: { ...source.tls, caFile: source.tls.caFile && abs(source.tls.caFile) } };
}
