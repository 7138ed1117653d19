/**
 * The `state:` config section: where the agent keeps its state and its run reports. The schema
 * checks all there is to check (the file is created when it does not exist). src/config/schema.ts
 * composes it.
 */
import { z } from 'zod';

const stateFields = z.strictObject({
  path: z.string().default('/var/lib/ldap-okta-sync/state.db').describe('SQLite state database, relative to this config file. Created with mode 0600.'),
  keepReportsDays: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe(
      'Every sync run leaves its report as JSON in reports/ beside the state database (`report RUN-ID` shows one); reports older than this many days are deleted.',
    ),
});

/** The `state:` section. */
export const stateSchema = stateFields.default(() => stateFields.parse({})).describe('Where the agent keeps its state.');

export type StateConfig = z.output<typeof stateSchema>;
