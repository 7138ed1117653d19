/**
 * The configuration schema, composed from the sections the stages own (each stage's schema.ts:
 * its keys, defaults, descriptions and semantic checks): the single source of truth for types,
 * defaults, validation and the documented reference (`config schema` prints the JSON schema
 * generated from it; config/example.yaml is checked against it by a test). Unknown keys are
 * rejected everywhere. Only the `log:` section is declared here: logging is no stage, and
 * util/log.ts (which owns the levels and formats) stays free of zod.
 */
import { z } from 'zod';
import { sourceSection } from '../directory/schema';
import { oktaSection } from '../okta/schema';
import { transformsSchema } from '../transform/schema';
import { groupsSchema } from '../sync/groups/schema';
import { lifecycleSchema, safeguardsSchema } from '../sync/schema';
import { stateSchema } from '../state/schema';
import { metricsSchema, scheduleSchema } from '../daemon/schema';
import { LOG_FORMATS, LOG_LEVELS } from '../util/log';
import { secretRef, unresolvedSecretRef } from './secret';
import type { Secret } from '../util/secret';

const logFields = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Log level.'),
  format: z.enum(LOG_FORMATS).default('auto').describe('auto: readable text on a terminal, JSON lines otherwise (journald).'),
  maskPii: z
    .boolean()
    .default(false)
    .describe(
      'Mask personal data in logs: e-mail addresses keep their first character and domain (j***@corp.example), DNs keep their shape with naming values masked (cn=J***,ou=People,dc=corp,dc=example), and fields such as login, email, firstName or displayName are masked. Anchors, counts and error codes stay readable.',
    ),
});
const logSchema = logFields.default(() => logFields.parse({})).describe('Logging.');

/** The `source:` section, its secret checked but not resolved. */
export const sourceSchema = sourceSection(unresolvedSecretRef);

/**
 * The file's schema, with secret fields made by `secret` (resolving them — the loader passes one
 * that knows the configuration file's credentials directory — or only checking their syntax).
 */
export function composeConfigSchema(secret: (what: string) => z.ZodType<Secret, string>) {
  return z.strictObject({
    source: sourceSection(secret),
    okta: oktaSection(secret),
    transforms: transformsSchema,
    groups: groupsSchema.optional(),
    lifecycle: lifecycleSchema,
    safeguards: safeguardsSchema,
    state: stateSchema,
    schedule: scheduleSchema,
    metrics: metricsSchema,
    log: logSchema,
  });
}

/** The configuration schema; secrets resolved while parsing (from the environment and systemd's credentials). */
export const configSchema = composeConfigSchema(secretRef);
/** The same, secret references checked but not resolved (commands that talk to no server). */
export const configSchemaWithoutSecrets = composeConfigSchema(unresolvedSecretRef);

export type Config = z.output<typeof configSchema>;

/** The JSON schema of the configuration file (what `config schema` prints). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
