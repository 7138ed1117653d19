/**
 * The Okta org's user schema in a run: read with the mirror of Okta (a step of its refresh: every
 * full run; an incremental refresh only when the state has none or the one it has lacks an
 * attribute the configuration uses; one request), kept in the state with the time it was read, and held against the configuration by every run before anything
 * is written: a profile attribute the transforms set (or an `okta.match` rule compares) that the
 * schema lacks is a configuration error naming the attribute, the step and the key path — not a
 * quarantine of every record. Values are checked per record by the record path (record.ts).
 *
 * {@link readUserSchema} is the read (the mirror refresh calls it); {@link userSchemaForRun} checks,
 * and is what every run calls before planning.
 */
import type { OktaClient } from '../okta/client';
import { OktaFatalError, OktaError } from '../okta/errors';
import type { MatchRule } from '../okta/schema';
import { BASE_USER_SCHEMA, type UserSchema } from '../okta/user-schema';
import type { StateStore } from '../state/store';
import type { Pipeline } from '../transform';
import { didYouMean } from '../transform/suggest';
import { formatPath, type CheckIssue } from '../util/config-check';
import type { Logger } from '../util/log';

/** The configuration maps attributes the org's user schema lacks (exit 3: a configuration error). */
export class UserSchemaMismatch extends Error {
  constructor(
    readonly issues: CheckIssue[],
    readonly orgUrl: string,
  ) {
    super(
      `Okta's user schema (${orgUrl}) lacks attributes the configuration maps; nothing was written:\n${issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`).join('\n')}`,
    );
    this.name = 'UserSchemaMismatch';
  }
}

export interface SchemaReadDeps {
  oktaClient: Pick<OktaClient, 'getUserSchema'>;
  state: StateStore;
  log: Logger;
}

/**
 * Read the org's user schema (one request) and keep it in the state (unless the state is
 * read-only). A token that may not read schemas (403) or a failed read falls back, with a warning,
 * on the schema last read, else on the base profile's limits; a bad token or an unreachable Okta
 * stops the run as any request would.
 */
export async function readUserSchema(deps: SchemaReadDeps): Promise<UserSchema> {
  const { state, log } = deps;
  try {
    const schema = await deps.oktaClient.getUserSchema();
    if (!state.readonly) state.okta.setUserSchema(schema);
    return schema;
  } catch (e) {
    if (e instanceof OktaFatalError || !(e instanceof OktaError)) throw e;
    const cached = state.okta.userSchema();
    log.warn(
      cached
        ? `cannot read Okta's user schema (${e.message}): using the one read at ${cached.readAt}`
        : `cannot read Okta's user schema (${e.message}): mapped attributes are not checked against the org's schema, values only against Okta's base limits`,
    );
    return cached ?? BASE_USER_SCHEMA;
  }
}

/**
 * Attributes the configuration uses that the schema lacks: every attribute a transform step sets
 * (named with the step and its key path) and every `okta.match` attribute. Nothing when the schema
 * is only the base profile's limits.
 */
export function schemaMismatches(schema: UserSchema, pipeline: Pick<Pipeline, 'profileWrites'>, match: readonly MatchRule[]): CheckIssue[] {
  if (schema.source !== 'org') return [];
  const names = Object.keys(schema.attributes);
  const has = (a: string) => Object.prototype.hasOwnProperty.call(schema.attributes, a);
  const issues: CheckIssue[] = [];
  for (const w of pipeline.profileWrites) {
    if (has(w.attribute)) continue;
    issues.push({
      path: ['transforms', ...w.path],
      message: `step '${w.step}' sets '${w.attribute}', which Okta's user schema does not have${didYouMean(w.attribute, names)}; add it in Okta (Directory › Profile Editor) or map another attribute`,
    });
  }
  match.forEach((r, i) => {
    if (r.by === 'attribute' && !has(r.attribute)) {
      issues.push({
        path: ['okta', 'match', i, 'attribute'],
        message: `Okta's user schema has no attribute '${r.attribute}'${didYouMean(r.attribute, names)}`,
      });
    }
  });
  return issues;
}

export interface RunSchemaDeps extends SchemaReadDeps {
  pipeline: Pick<Pipeline, 'profileWrites'>;
  okta: { orgUrl: string; match: readonly MatchRule[] };
}

/**
 * The schema a run plans with, held against the configuration ({@link UserSchemaMismatch} when it
 * lacks an attribute): `read`, the one the refresh of the mirror of Okta read this run (the schema
 * is read with the mirror: sync/mirror/refresh.ts); else the one the state kept from the last
 * refresh; else read now.
 */
export async function userSchemaForRun(deps: RunSchemaDeps, read?: UserSchema): Promise<UserSchema> {
  const schema = read ?? deps.state.okta.userSchema() ?? (await readUserSchema(deps));
  checkUserSchema(schema, deps.pipeline, deps.okta);
  return schema;
}

/** Throws {@link UserSchemaMismatch} when the schema lacks an attribute the configuration uses. */
export function checkUserSchema(schema: UserSchema, pipeline: Pick<Pipeline, 'profileWrites'>, okta: RunSchemaDeps['okta']): void {
  const issues = schemaMismatches(schema, pipeline, okta.match);
  if (issues.length) throw new UserSchemaMismatch(issues, okta.orgUrl);
}
