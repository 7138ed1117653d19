/**
 * The sync's config: the `lifecycle:` and `safeguards:` sections (the schema checks all there is to
 * check in them), and {@link RunConfig}, the sections a run reads, typed by the stages that own
 * them. src/config/schema.ts composes the sections into the configuration file's schema.
 */
import { z } from 'zod';
import type { SourceConfig } from '../directory/schema';
import type { OktaConfig } from '../okta/schema';
import type { StateConfig } from '../state/schema';
import type { TransformsConfig } from '../transform/schema';
import type { GroupsConfig } from './groups/schema';

const lifecycleFields = z.strictObject({
  disabled: z
    .enum(['suspend', 'deactivate', 'nothing'])
    .default('suspend')
    .describe(
      'A user disabled in the directory: suspend (a user not yet activated cannot be suspended and is deactivated), deactivate, or nothing. Enabled again: unsuspended or activated.',
    ),
  createDisabled: z
    .boolean()
    .default(false)
    .describe('Create users that are disabled in the directory (then at once suspended or deactivated as above). Default: they are not created until enabled.'),
  missing: z
    .enum(['deactivate', 'suspend', 'nothing'])
    .default('deactivate')
    .describe('A user the agent manages that is gone from the directory or out of scope (deleted, moved, filtered away), after the grace.'),
  missingGraceRuns: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe('How many consecutive full runs a user must be missing before the `missing` action (an AD deletion seen by an incremental run counts as one).'),
});

/** The `lifecycle:` section. */
export const lifecycleSchema = lifecycleFields
  .default(() => lifecycleFields.parse({}))
  .describe('What happens in Okta when a user is disabled in, or disappears from, the directory. Okta users are never deleted.');

const thresholdSchema = (what: string, percent: number, count: number) => {
  const fields = z.strictObject({
    percent: z.number().min(0).max(100).default(percent).describe(`Stop when ${what} exceed this percentage of the users the agent manages.`),
    count: z.number().int().min(0).default(count).describe(`Stop when ${what} exceed this number.`),
  });
  return fields.default(() => fields.parse({})).describe(`Threshold for ${what}.`);
};

const safeguardsFields = z.strictObject({
  deprovisions: thresholdSchema('deactivations plus suspensions', 10, 500),
  membershipRemovals: thresholdSchema('group membership removals', 10, 5000),
  updates: thresholdSchema('profile updates', 60, 200000),
  ignoreBelow: z
    .number()
    .int()
    .min(0)
    .default(10)
    .describe('Percent thresholds do not apply to fewer changes than this (so a 20-user directory can lose 3 users without an override).'),
});

/** The `safeguards:` section. */
export const safeguardsSchema = safeguardsFields
  .default(() => safeguardsFields.parse({}))
  .describe('Before any write, a run stops when the plan exceeds these thresholds (`sync --allow-mass-change` overrides once).');

export type LifecycleConfig = z.output<typeof lifecycleSchema>;
export type SafeguardsConfig = z.output<typeof safeguardsSchema>;

/** The sections of the configuration a run (sync, plan, preflight, explain) reads. */
export interface RunConfig {
  source: SourceConfig;
  okta: OktaConfig;
  transforms: TransformsConfig;
  groups?: GroupsConfig;
  lifecycle: LifecycleConfig;
  safeguards: SafeguardsConfig;
  state: StateConfig;
}
