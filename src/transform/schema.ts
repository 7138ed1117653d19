/**
 * zod schema of the `transforms:` config section: an ordered list of steps. The single source of
 * truth for the config module (which composes it), the generated JSON schema and the reference
 * docs. Objects are strict (unknown keys rejected), every field is described, defaults live here.
 *
 * A step is an object with an optional `name` and exactly one kind key:
 * map | set | when | skip | normalize | lookup | username | validate | hook.
 */
import { z } from 'zod';

export const STEP_KINDS = ['map', 'set', 'when', 'skip', 'normalize', 'lookup', 'username', 'validate', 'hook'] as const;

const template = (what: string) =>
  z.string().describe(`${what}. A template: literal text with {expression} placeholders, e.g. "{sAMAccountName | lower}@corp.example".`);
const condition = z.string().min(1).describe('A condition expression (no braces), e.g. "employeeType == \'Contractor\' and not $disabled".');
/**
 * Names of JavaScript object internals: as attribute names they would be read back as functions
 * (`constructor`) or dropped (`__proto__`, which the configuration loader refuses as a key anywhere),
 * so they are refused wherever a step names an attribute. (Profiles are null-prototype objects
 * besides, so no other inherited name can leak in.)
 */
const OBJECT_INTERNALS = new Set(['__proto__', 'constructor', 'prototype']);

const attrName = z
  .string()
  .min(1)
  .refine((n) => !OBJECT_INTERNALS.has(n), { error: (i) => `'${String(i.input)}' is not an attribute name: it is an internal of JavaScript objects` })
  .describe('An Okta profile attribute name (case-sensitive).');
const attrList = (what: string) => z.array(attrName).describe(what);
const attrSelection = z
  .union([z.literal('*'), z.array(attrName)])
  .describe("Profile attributes to act on: a list of names, or '*' for every text attribute set so far.");

export const mapSchema = z
  .record(attrName, template('The attribute value'))
  .describe('Set Okta profile attributes from templates. A template whose placeholder is missing yields null (no value).');

export const setSchema = z
  .record(attrName, z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]).describe('A literal value (not a template).'))
  .describe('Set Okta profile attributes to literal values (strings are taken as they are, braces included).');

export const skipSchema = z
  .strictObject({
    if: condition.describe('Skip the record when this condition is true.'),
    reason: z.string().min(1).default('skipped by rule').describe('Reason reported for skipped records (a template).'),
  })
  .describe('Drop a record from the sync (e.g. service accounts). The outcome names this step so runs can count per rule.');

const invalidAction = z
  .enum(['drop', 'quarantine', 'keep'])
  .describe('What to do with an invalid value: drop it (attribute set to null, with a finding), quarantine the record, or keep it unchanged (finding only).');

export const normalizeSchema = z
  .strictObject({
    phone: z
      .strictObject({
        attributes: attrList('Phone attributes, e.g. [mobilePhone, primaryPhone].').min(1),
        region: z
          .string()
          .default('US')
          .describe("Default region for national numbers: an ISO 3166 country code ('US', 'DE'), or a template such as \"{c | default('US')}\"."),
        invalid: invalidAction.default('drop'),
      })
      .optional()
      .describe('Phone numbers to E.164 (+14155552671) with libphonenumber-js.'),
    email: z
      .strictObject({
        attributes: attrList('E-mail attributes, e.g. [email, secondEmail].').min(1),
        lowercase: z.boolean().default(true).describe('Lower-case the whole address.'),
        invalid: invalidAction.default('quarantine'),
      })
      .optional()
      .describe('E-mail addresses: trim, optionally lower-case, validate.'),
    whitespace: z
      .strictObject({ attributes: attrSelection.default('*') })
      .optional()
      .describe('Trim and collapse runs of white space (incl. no-break and zero-width spaces) to one space.'),
    unicode: z
      .strictObject({
        attributes: attrSelection.default('*'),
        form: z.enum(['NFC', 'NFKC']).default('NFC').describe('Unicode normalization form.'),
      })
      .optional()
      .describe('Unicode normalization (composed form).'),
  })
  .describe('Clean up profile attributes. Sub-steps run in the order whitespace, unicode, email, phone.');

const lookupSource = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('csv').describe('A CSV file with a header row.'),
      file: z.string().min(1).describe("Path, relative to the config file's directory."),
      delimiter: z.string().length(1).default(',').describe('Field delimiter.'),
      encoding: z.enum(['utf8', 'latin1']).default('utf8').describe('File encoding.'),
    }),
    z.strictObject({
      type: z.literal('sqlite').describe('A table or query of an SQLite database file (opened read-only).'),
      file: z.string().min(1).describe("Path, relative to the config file's directory."),
      table: z.string().min(1).optional().describe('Table (or view) to read; give either table or query.'),
      query: z.string().min(1).optional().describe('A SELECT statement to read; give either table or query.'),
    }),
  ])
  .describe('Where the lookup rows come from; loaded and indexed once per run.');

export const lookupSchema = z
  .strictObject({
    source: lookupSource,
    key: template('The key computed from the record, e.g. "{employeeID}"'),
    column: z.string().min(1).describe('The column of the source that holds the key.'),
    ignoreCase: z.boolean().default(false).describe('Match keys case-insensitively (keys are always trimmed).'),
    map: z
      .record(attrName, template('The attribute value; row.<column> refers to the matched row'))
      .describe('Profile attributes to set from the matched row, e.g. { department: "{row.dept_name}" }.'),
    onMissing: z
      .enum(['keep', 'default', 'quarantine'])
      .default('keep')
      .describe('No row matches (or the key is missing): keep the profile unchanged, map the `default` row, or quarantine.'),
    default: z.record(z.string(), z.string()).optional().describe('Column values of the row used when onMissing is "default".'),
    onMultiple: z.enum(['first', 'quarantine']).default('first').describe('Several rows match: use the first (in file order) or quarantine.'),
  })
  .describe('Enrich from a CSV file or SQLite table keyed by an attribute.');

const suffixFields = z.strictObject({
  start: z.number().int().min(0).default(2).describe('First number tried.'),
  max: z.number().int().min(1).default(99).describe('Last number tried before the record is quarantined.'),
  separator: z.string().default('').describe("Text between the name and the number, e.g. '.' for john.doe.2."),
});

export const usernameSchema = z
  .strictObject({
    templates: z.array(template('A login candidate')).min(1).describe('Login candidates in order of preference; the first is the login source.'),
    attribute: attrName.default('login').describe('Profile attribute to set.'),
    suffix: z
      .union([z.literal(false), suffixFields])
      .default(() => suffixFields.parse({}))
      .describe("Numeric suffix fallback on the first candidate, before '@' (john.doe2@corp.example); false to quarantine instead."),
  })
  .describe('Build a unique login: candidates in order, then numeric suffixes; stable across runs while its source is unchanged.');

const uniqueSpec = z.union([
  attrName,
  z.strictObject({
    attribute: attrName,
    ignoreCase: z.boolean().default(false).describe('Compare values case-insensitively.'),
  }),
]);

export const validateSchema = z
  .strictObject({
    required: attrList('Attributes that must have a value.').default([]),
    pattern: z
      .record(attrName, z.string().min(1).describe('A regular expression the whole value must match (anchor it with ^…$).'))
      .default({})
      .describe('Per-attribute patterns.'),
    email: attrList('Attributes that must be e-mail addresses when present.').default([]),
    e164: attrList('Attributes that must be E.164 phone numbers when present.').default([]),
    oktaLimits: z
      .boolean()
      .default(true)
      .describe(
        "Check lengths against Okta's base profile limits (login 5–100, email 5–100, firstName/lastName 1–50, …) in this step. Every profile is held to the org's user schema (lengths, types, allowed values) by the record path anyway (step okta-schema); this reports the base limits here, with this step's other findings.",
      ),
    maxLength: z.record(attrName, z.number().int().min(1)).default({}).describe('Extra maximum lengths (characters).'),
    unique: z.array(uniqueSpec).default([]).describe('Attributes whose values must be unique across the directory; the first holder keeps a value.'),
  })
  .describe('Quarantine the record when a check fails (all failures are reported).');

export const hookSchema = z
  .strictObject({
    module: z.string().min(1).describe("JavaScript module path, relative to the config file's directory."),
    export: z.string().min(1).default('default').describe("Exported function name ('default' = module.exports or the default export)."),
    timeoutMs: z.number().int().min(1).max(60_000).default(1000).describe('Per-record time limit; a hook over it is stopped and the record quarantined.'),
    memoryMb: z.number().int().min(16).max(4096).default(256).describe('Heap limit of the hook worker.'),
  })
  .describe('Escape hatch: (record, helpers) => record | { quarantine: reason } | { skip: reason }, sync or async, run in a worker thread.');

type StepShape = {
  name?: string;
  map?: z.output<typeof mapSchema>;
  set?: z.output<typeof setSchema>;
  when?: { if: string; steps: StepShape[]; else?: StepShape[] };
  skip?: z.output<typeof skipSchema>;
  normalize?: z.output<typeof normalizeSchema>;
  lookup?: z.output<typeof lookupSchema>;
  username?: z.output<typeof usernameSchema>;
  validate?: z.output<typeof validateSchema>;
  hook?: z.output<typeof hookSchema>;
};

export const whenSchema: z.ZodType<{ if: string; steps: StepShape[]; else?: StepShape[] }> = z
  .strictObject({
    if: condition.describe('Run `steps` when this condition is true, else `else`.'),
    get steps() {
      return z.array(stepSchema).describe('Steps run when the condition is true.');
    },
    get else() {
      return z.array(stepSchema).optional().describe('Steps run when the condition is false.');
    },
  })
  .describe('Conditional block of nested steps.');

export const stepSchema: z.ZodType<StepShape> = z
  .strictObject({
    name: z.string().min(1).optional().describe('Step name used in outcomes, findings and traces (default <kind>#<index>).'),
    map: mapSchema.optional(),
    set: setSchema.optional(),
    get when() {
      return whenSchema.optional();
    },
    skip: skipSchema.optional(),
    normalize: normalizeSchema.optional(),
    lookup: lookupSchema.optional(),
    username: usernameSchema.optional(),
    validate: validateSchema.optional(),
    hook: hookSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const kinds = STEP_KINDS.filter((k) => (step as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0 ? `a step needs one of: ${STEP_KINDS.join(', ')}` : `a step has exactly one kind, found ${kinds.join(' and ')}`,
        path: [],
      });
    }
  })
  .describe('One transform step: an optional name and exactly one of map, set, when, skip, normalize, lookup, username, validate, hook.');

/** The `transforms:` section. */
export const transformsSchema = z.array(stepSchema).default([]).describe('Import-hook transforms: ordered steps from a directory record to an Okta profile.');

export type TransformStep = StepShape;
export type TransformsConfig = TransformStep[];
export type LookupConfig = z.output<typeof lookupSchema>;
export type NormalizeConfig = z.output<typeof normalizeSchema>;
export type UsernameConfig = z.output<typeof usernameSchema>;
export type ValidateConfig = z.output<typeof validateSchema>;
export type HookConfig = z.output<typeof hookSchema>;

/** Parse a steps list; issues come back with paths relative to the list. */
export function parseSteps(input: unknown): { ok: true; steps: TransformStep[] } | { ok: false; issues: { path: (string | number)[]; message: string }[] } {
  const r = transformsSchema.safeParse(input);
  if (r.success) return { ok: true, steps: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  };
}
