/**
 * The `groups:` config section: the directory's keys (which entries are groups, how members are
 * read: directory/schema.ts) and the group sync's own (the Okta name and description templates,
 * nesting), with the semantic checks of both. src/config/schema.ts composes it.
 */
import { z } from 'zod';
import { checkGroupSource, groupSourceSchema } from '../../directory/schema';
import type { CheckIssue } from '../../util/config-check';
import { checkGroupsConfig } from './templates';

/** The `groups:` section (optional: without it no groups are synced). */
export const groupsSchema = groupSourceSchema
  .extend({
    name: z
      .string()
      .optional()
      .describe(
        'Template of the Okta group name, e.g. "AD {cn}". Default: "{cn}" (cn must then be in groups.attributes). Okta group names are unique: on first contact an existing OKTA_GROUP with this name is taken over.',
      ),
    description: z
      .string()
      .optional()
      .describe(
        'Template of the Okta group description. Default: "{description}" when description is in groups.attributes (it is in the default attributes), else no description.',
      ),
    nested: z
      .enum(['flatten', 'direct'])
      .default('flatten')
      .describe('flatten: members of nested groups are members of the Okta group too; direct: only direct user members.'),
  })
  .describe('Directory groups to sync as Okta groups (type OKTA_GROUP) with their memberships. Omit to sync no groups.');

export type GroupsConfig = z.output<typeof groupsSchema>;

/** Checks of a `groups:` section the schema accepted: filter and base DNs, name and description templates. */
export function checkGroups(groups: GroupsConfig): CheckIssue[] {
  return [...checkGroupSource(groups), ...checkGroupsConfig(groups)];
}
