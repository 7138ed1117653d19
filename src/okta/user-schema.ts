/**
 * The org's user schema as the agent uses it: which profile attributes exist, and each one's type,
 * length limits and allowed values. The client reads it (`GET /api/v1/meta/schemas/user/default`,
 * client.ts); {@link parseUserSchema} keeps what matters here. When no schema could be read, the
 * base profile's limits ({@link OKTA_PROFILE_LIMITS}, the one table of them) stand in: values of
 * base attributes are still judged, attribute names are not.
 *
 * {@link profileProblems} is THE check of a profile against the schema (the per-record path runs it
 * for sync, plan, preflight and explain alike): a value of the wrong type, outside the attribute's
 * enum, or beyond its length limits (text without a limit of its own: OKTA_TEXT_MAX) is named with
 * the attribute and the limit, so the record is quarantined instead of being refused by Okta.
 * (Characters Okta refuses are the pipeline's last step: okta/profile.ts characterProblems.)
 */
import { OKTA_PROFILE_LIMITS, OKTA_TEXT_MAX, type Profile, type ProfileValue } from './profile';

export type AttributeType = 'string' | 'boolean' | 'integer' | 'number' | 'array';
type ItemType = Exclude<AttributeType, 'array'>;

export interface SchemaAttribute {
  /** `other`: a type the agent does not know (its values are not judged). */
  type: AttributeType | 'other';
  /** For arrays: the type of the items. */
  itemType?: ItemType;
  /** In characters (UTF-16 code units, as Okta counts), inclusive. */
  minLength?: number;
  maxLength?: number;
  /** The values allowed (for arrays: for each item). */
  enum?: (string | number)[];
  /** `base` (Okta's) or `custom` (the org's). */
  scope: 'base' | 'custom';
}

export interface UserSchema {
  /**
   * `org`: read from the org, every attribute it has is listed; `base`: none could be read, only
   * the base profile's limits are known (attribute names are not judged).
   */
  source: 'org' | 'base';
  attributes: Readonly<Record<string, SchemaAttribute>>;
  /** When it was read from the org (ISO 8601). */
  readAt?: string;
}

/** Okta's base profile limits, when no schema was read. */
export const BASE_USER_SCHEMA: UserSchema = {
  source: 'base',
  attributes: Object.fromEntries(
    Object.entries(OKTA_PROFILE_LIMITS).map(([name, l]): [string, SchemaAttribute] => [
      name,
      { type: 'string', scope: 'base', maxLength: l.max, ...(l.min !== undefined ? { minLength: l.min } : {}) },
    ]),
  ),
};

const TYPES: readonly string[] = ['string', 'boolean', 'integer', 'number', 'array'];

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

function enumOf(v: unknown): (string | number)[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const values = v.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number');
  return values.length ? values : undefined;
}

function attributeOf(raw: unknown, scope: SchemaAttribute['scope']): SchemaAttribute {
  const a = obj(raw);
  // an attribute of a type the agent does not know is kept as a name: its values are not judged
  const type = typeof a.type === 'string' && TYPES.includes(a.type) ? (a.type as AttributeType) : 'other';
  const out: SchemaAttribute = { type, scope };
  if (type === 'other') return out;
  const items = obj(a.items);
  if (type === 'array' && typeof items.type === 'string' && TYPES.includes(items.type) && items.type !== 'array') out.itemType = items.type as ItemType;
  const min = int(a.minLength);
  const max = int(a.maxLength);
  if (min !== undefined) out.minLength = min;
  if (max !== undefined) out.maxLength = max;
  const allowed = type === 'array' ? enumOf(items.enum) : enumOf(a.enum);
  if (allowed) out.enum = allowed;
  return out;
}

/** The agent's view of an Okta user schema document (spec `UserSchema`). */
export function parseUserSchema(json: unknown, readAt: string): UserSchema {
  const defs = obj(obj(json).definitions);
  const attributes: Record<string, SchemaAttribute> = {};
  for (const [scope, key] of [
    ['base', 'base'],
    ['custom', 'custom'],
  ] as const) {
    for (const [name, raw] of Object.entries(obj(obj(defs[key]).properties))) attributes[name] = attributeOf(raw, scope);
  }
  return { source: 'org', attributes, readAt };
}

/** One problem of a profile with the schema. */
export interface ProfileProblem {
  attribute: string;
  reason: string;
}

const show = (v: ProfileValue): string => {
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 39) + '…' : v) : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 59) + '…' : s;
};

const TYPE_OK: Record<ItemType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
};

const kindOf = (v: ProfileValue): string => (Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'text' : typeof v === 'number' ? 'a number' : typeof v);
const an = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** Text longer than any the agent sends for an attribute without a length limit of its own ({@link OKTA_TEXT_MAX}). */
function textCeilingProblem(v: string): string | undefined {
  return v.length > OKTA_TEXT_MAX
    ? `${v.length} characters, more than the ${OKTA_TEXT_MAX} the agent sends for an attribute without a length limit of its own (the longest Okta's base profile allows)`
    : undefined;
}

/** What is wrong with one (present) value for the attribute, or undefined. */
export function valueProblem(attr: SchemaAttribute, v: ProfileValue): string | undefined {
  if (attr.type === 'other') return undefined;
  if (attr.type === 'array') {
    const itemType = attr.itemType ?? 'string';
    if (!Array.isArray(v)) return `Okta's user schema wants a list of ${itemType} values, the transforms give ${kindOf(v)} ${show(v)}`;
    const bad = (v as unknown[]).find((x) => !TYPE_OK[itemType](x));
    if (bad !== undefined) return `Okta's user schema wants a list of ${itemType} values, the list holds ${show(bad as ProfileValue)}`;
    const allowed = attr.enum;
    const outside = allowed ? (v as (string | number)[]).find((x) => !allowed.includes(x)) : undefined;
    if (allowed && outside !== undefined) return `${show(outside)} is not one of the values Okta's user schema allows (${allowed.join(', ')})`;
    return undefined;
  }
  if (!TYPE_OK[attr.type](v)) return `Okta's user schema wants ${an(attr.type)}, the transforms give ${kindOf(v)} ${show(v)}`;
  if (typeof v === 'string') {
    if (attr.maxLength !== undefined && v.length > attr.maxLength)
      return `${v.length} characters, more than the ${attr.maxLength} (maxLength) Okta's user schema allows`;
    if (attr.maxLength === undefined) {
      const ceiling = textCeilingProblem(v);
      if (ceiling) return ceiling;
    }
    if (attr.minLength !== undefined && v.length < attr.minLength)
      return `${v.length} characters, fewer than the ${attr.minLength} (minLength) Okta's user schema requires`;
  }
  if (attr.enum && !attr.enum.includes(v as string | number)) return `${show(v)} is not one of the values Okta's user schema allows (${attr.enum.join(', ')})`;
  return undefined;
}

/**
 * Every problem of a profile with the schema: values of the wrong type, outside the enum, beyond the
 * length limits, and (with a schema read from the org) attributes it does not have. Absent and null
 * values (not sent, or cleared) are never a problem here.
 */
export function profileProblems(profile: Profile, schema: UserSchema): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  for (const [attribute, v] of Object.entries(profile)) {
    if (v === null || v === undefined) continue;
    const attr = schema.attributes[attribute];
    if (!attr) {
      if (schema.source === 'org') out.push({ attribute, reason: "not an attribute of Okta's user schema" });
      else {
        // no schema read: the attribute's type is unknown, its text is still held to the ceiling
        const ceiling = typeof v === 'string' ? textCeilingProblem(v) : undefined;
        if (ceiling) out.push({ attribute, reason: ceiling });
      }
      continue;
    }
    const reason = valueProblem(attr, v);
    if (reason) out.push({ attribute, reason });
  }
  return out;
}
