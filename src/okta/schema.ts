/**
 * The `okta:` config section: the org users are written to, first-contact matching rules, request
 * pacing. src/config/schema.ts composes it. The schema checks everything there is to check here
 * (the org URL included: https, no credentials in it), so this section has no semantic checks of its own.
 */
import { z } from 'zod';
import type { Secret } from '../util/secret';

/** A rule for finding an existing Okta user that is the same person as a directory record. */
export type MatchRule = { by: 'login' } | { by: 'email' } | { by: 'attribute'; attribute: string; caseInsensitive: boolean };

const matchRuleSchema = z.union([
  z
    .enum(['login', 'email'])
    .describe(
      "login: the Okta user whose login equals the record's (compared as Okta does: case and diacritics ignored); email: whose profile.email equals the record's email (case-insensitive).",
    ),
  z
    .strictObject({
      attribute: z.string().min(1).describe("An Okta profile attribute, e.g. employeeNumber: the Okta user whose value equals the record's."),
      caseInsensitive: z.boolean().default(false).describe('Compare ignoring case (default: exact).'),
    })
    .describe('Match by a profile attribute.'),
]);

const matchSchema = z
  .union([z.literal('none'), z.enum(['login', 'email']), z.array(matchRuleSchema)])
  .default('none')
  .describe(
    "First contact with Okta users that existed before the agent: rules that find the same person (login, email, or a profile attribute). A record with exactly one candidate across all rules is linked to it and updated from then on; several candidates (ambiguous) or a candidate already linked to another record → quarantined, never guessed; none → created. `none` (no rules): a login Okta already has quarantines the record with Okta's error. Never a duplicate.",
  )
  .transform((v): MatchRule[] => {
    const list = v === 'none' ? [] : Array.isArray(v) ? v : [v];
    return list.map((r) => (typeof r === 'string' ? { by: r } : { by: 'attribute' as const, attribute: r.attribute, caseInsensitive: r.caseInsensitive }));
  });

const mirrorFields = z.strictObject({
  refreshSeconds: z
    .number()
    .int()
    .min(0)
    .default(60)
    .describe(
      "Incremental runs refresh the agent's mirror of Okta at most this often (full runs always refresh it): a seconds-level schedule stays cheap, and the API token is still proven at least this often (a revoked token fails the next run that refreshes, with exit 5).",
    ),
  consistencyMarginSeconds: z
    .number()
    .int()
    .min(0)
    .default(60)
    .describe(
      "Okta's lists are eventually consistent (a change shows in them typically within a second): each refresh asks for the users and groups changed since the previous one began minus this margin, so a change the previous refresh could not see yet is read by the next.",
    ),
});

const mirrorSchema = mirrorFields
  .default(() => mirrorFields.parse({}))
  .describe(
    "The agent's mirror of the Okta users and groups it needs, in the state database: a run decides from it (logins taken, first-contact matches, statuses) instead of asking Okta record by record, and refreshes it with one change query.",
  );

export type MirrorConfig = z.output<typeof mirrorSchema>;

/** Hosts of this machine, where plain http stays on the machine (the simulator). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The org URL: https (the API token is sent with every request), no user name or password in it;
 * plain http only to this machine, for the simulator.
 */
const orgUrlSchema = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be the org URL without a path or trailing slash, e.g. https://corp.okta.com')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return; // the pattern has said what is wrong
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password (user:password@host): the API token (okta.token) is the credential' });
    }
    if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'plain http would send the API token in cleartext: use https:// (http:// is accepted only to this machine, localhost or 127.0.0.1, for the simulator)',
      });
    }
  })
  .describe('Okta org URL, e.g. https://corp.okta.com (no trailing slash). https only; http:// only to this machine (the built-in simulator).');

/**
 * The `okta:` section. `secret` makes the API token field: a reference in the file, a Secret once
 * parsed; the composer of the configuration resolves it while loading (config/secret.ts).
 */
export function oktaSection(secret: (what: string) => z.ZodType<Secret, string>) {
  return z
    .strictObject({
      orgUrl: orgUrlSchema,
      token: secret('Okta API token (SSWS)'),
      activate: z.boolean().default(true).describe('Activate users when they are created (false: create them STAGED).'),
      provider: z
        .enum(['okta', 'federation'])
        .default('okta')
        .describe(
          'okta: users get their password from Okta flows (or a delegated-auth agent); federation: users sign in through a federated IdP (created with provider FEDERATION).',
        ),
      match: matchSchema,
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(32)
        .default(4)
        .describe("Okta requests in flight at once (Okta's org-wide concurrency limit is typically 75; bulk loads rarely need more than 10)."),
      rateLimitShare: z
        .number()
        .gt(0)
        .max(1)
        .default(0.5)
        .describe('Fraction of each rate-limit bucket (X-Rate-Limit-Limit) the agent may use, leaving the rest to other integrations and admins.'),
      requestTimeoutMs: z.number().int().min(1000).default(30_000).describe('Give up on one Okta HTTP request after this many milliseconds (then retry).'),
      maxRetries: z.number().int().min(0).max(20).default(5).describe('Retries of a request that failed with 429, 5xx or a network error, with backoff.'),
      drift: z
        .enum(['repair', 'report', 'ignore'])
        .default('repair')
        .describe(
          'A managed user whose Okta profile differs from what the directory wants on an attribute the transforms set (someone edited it in Okta), or a membership the agent manages that is gone from its Okta group: repair (a partial update of those attributes only, or the membership added back; counted as drift), report (counted and shown, not changed), or ignore. Attributes the transforms do not set are never touched.',
        ),
      mirror: mirrorSchema,
    })
    .describe('The Okta org users are written to.');
}

export type OktaConfig = z.output<ReturnType<typeof oktaSection>>;
