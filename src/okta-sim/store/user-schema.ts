/**
 * The org's user schema (the default user type): Okta's base attributes (`#base`, fixed) and the
 * custom attributes (`#custom`) an admin added. Served by `GET/POST /api/v1/meta/schemas/user/{id}`
 * and enforced on every user create and update (profile-rules.ts).
 *
 * The base attributes are Okta's default user schema: the names, titles and required flags of the
 * real default schema, the lengths of the official spec's `UserProfile` (management-minimal
 * 2026.06.3; test/unit/okta/profile.test.ts holds this table to the spec). Every base attribute is a
 * string. The simulator keeps this table itself: it stands in for Okta and depends on nothing of the
 * agent.
 *
 * Custom attributes: `type` string | boolean | integer | number | array (with `items.type`), and
 * optionally `minLength`/`maxLength` (strings), `enum` (or `items.enum` for arrays), `required`.
 * Names start with a letter and hold letters, digits and underscores (Okta: "Property name should
 * only have alphanumeric characters and underscores. It should not start with a digit") and may not
 * collide with another attribute case-insensitively (spec `UserSchemaPublic`).
 */
import { errors } from '../errors';
import type { Clock } from '../types';

export const ATTRIBUTE_TYPES = ['string', 'boolean', 'integer', 'number', 'array'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export const ITEM_TYPES = ['string', 'boolean', 'integer', 'number'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** One attribute of the schema, as the API shows it (spec `UserSchemaAttribute`, the keys the simulator uses). */
export interface SchemaAttribute {
  title: string;
  type: AttributeType;
  description?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  enum?: (string | number)[];
  items?: { type: ItemType; enum?: (string | number)[] };
  format?: string;
  pattern?: string;
  mutability?: 'READ_WRITE' | 'READ_ONLY';
  scope?: 'NONE' | 'SELF';
  permissions?: { principal: string; action: string }[];
  master?: { type: 'PROFILE_MASTER' | 'OKTA' };
}

/** What a test or a seed gives for a custom attribute (title defaults to the name). */
export type CustomAttributeInput = Omit<SchemaAttribute, 'title'> & { title?: string };

interface BaseRow {
  title: string;
  required?: true;
  min?: number;
  max?: number;
  format?: string;
}

/** Okta's base user profile (`#base`). */
const BASE: Readonly<Record<string, BaseRow>> = {
  login: { title: 'Username', required: true, min: 5, max: 100 },
  firstName: { title: 'First name', required: true, min: 1, max: 50 },
  lastName: { title: 'Last name', required: true, min: 1, max: 50 },
  middleName: { title: 'Middle name' },
  honorificPrefix: { title: 'Honorific prefix' },
  honorificSuffix: { title: 'Honorific suffix' },
  email: { title: 'Primary email', required: true, min: 5, max: 100, format: 'email' },
  title: { title: 'Title' },
  displayName: { title: 'Display name' },
  nickName: { title: 'Nickname' },
  profileUrl: { title: 'Profile Url', format: 'uri' },
  secondEmail: { title: 'Secondary email', max: 100, format: 'email' },
  mobilePhone: { title: 'Mobile phone', max: 100 },
  primaryPhone: { title: 'Primary phone', max: 100 },
  streetAddress: { title: 'Street address', max: 1024 },
  city: { title: 'City', max: 128 },
  state: { title: 'State', max: 128 },
  zipCode: { title: 'Zip code', max: 50 },
  countryCode: { title: 'Country code', max: 2, format: 'country-code' },
  postalAddress: { title: 'Postal Address', max: 4096 },
  preferredLanguage: { title: 'Preferred language', format: 'language-code' },
  locale: { title: 'Locale', format: 'locale' },
  timezone: { title: 'Time zone', format: 'timezone' },
  userType: { title: 'User type' },
  employeeNumber: { title: 'Employee number' },
  costCenter: { title: 'Cost center' },
  organization: { title: 'Organization' },
  division: { title: 'Division' },
  department: { title: 'Department' },
  managerId: { title: 'ManagerId' },
  manager: { title: 'Manager' },
};

const SELF_READ_WRITE = [{ principal: 'SELF', action: 'READ_WRITE' }];

function baseAttribute(row: BaseRow): SchemaAttribute {
  return {
    title: row.title,
    type: 'string',
    ...(row.required ? { required: true } : {}),
    ...(row.min !== undefined ? { minLength: row.min } : {}),
    ...(row.max !== undefined ? { maxLength: row.max } : {}),
    ...(row.format ? { format: row.format } : {}),
    mutability: 'READ_WRITE',
    scope: 'NONE',
    permissions: SELF_READ_WRITE,
    master: { type: 'PROFILE_MASTER' },
  };
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class UserSchemaStore {
  private readonly base = new Map<string, SchemaAttribute>(Object.entries(BASE).map(([k, row]) => [k, baseAttribute(row)]));
  private custom = new Map<string, SchemaAttribute>();
  /** The login pattern Okta shows (null: the default, an email address). */
  loginPattern: string | null = null;
  readonly created: number;
  lastUpdated: number;

  constructor(
    private readonly clock: Clock,
    /** The schema's id (`osc…`); the path accepts it and `default`. */
    readonly id: string,
  ) {
    this.created = clock();
    this.lastUpdated = this.created;
  }

  /** The attribute of that name (base or custom), exactly as named (Okta's property names are case-sensitive). */
  attribute(name: string): SchemaAttribute | undefined {
    return this.base.get(name) ?? this.custom.get(name);
  }

  baseAttributes(): ReadonlyMap<string, SchemaAttribute> {
    return this.base;
  }

  customAttributes(): ReadonlyMap<string, SchemaAttribute> {
    return this.custom;
  }

  /** Add or replace a custom attribute; throws 400 E0000001 for a bad name or definition. */
  setCustom(name: string, input: CustomAttributeInput): SchemaAttribute {
    const problem = this.problemOf(name, input);
    if (problem) throw errors.validation([{ field: name, message: problem }]);
    const attr: SchemaAttribute = {
      ...input,
      title: input.title ?? name,
      mutability: input.mutability ?? 'READ_WRITE',
      scope: input.scope ?? 'NONE',
      permissions: input.permissions ?? SELF_READ_WRITE,
      master: input.master ?? { type: 'PROFILE_MASTER' },
    };
    this.custom.set(name, attr);
    this.lastUpdated = this.clock();
    return attr;
  }

  /** What is wrong with this custom attribute definition, or undefined. */
  problemOf(name: string, input: CustomAttributeInput): string | undefined {
    return customProblem(name, input, (n) => this.collides(n, name));
  }

  removeCustom(name: string): boolean {
    const had = this.custom.delete(name);
    if (had) this.lastUpdated = this.clock();
    return had;
  }

  /** Empty the custom attributes (reset). */
  clear(): void {
    this.custom = new Map();
    this.loginPattern = null;
    this.lastUpdated = this.clock();
  }

  private collides(candidate: string, self: string): boolean {
    const lower = candidate.toLowerCase();
    for (const n of [...this.base.keys(), ...this.custom.keys()]) if (n !== self && n.toLowerCase() === lower) return true;
    return this.base.has(candidate);
  }
}

function customProblem(name: string, a: CustomAttributeInput, collides: (n: string) => boolean): string | undefined {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return 'The property definition must be an object';
  if (!NAME.test(name))
    return 'Invalid property name. Property name should only have alphanumeric characters and underscores. It should not start with a digit.';
  if (collides(name)) return 'An object with this field already exists in the current organization';
  if (!(ATTRIBUTE_TYPES as readonly string[]).includes(a.type)) return `Valid values are ${ATTRIBUTE_TYPES.join(', ')}`;
  if (a.type === 'array' && !(ITEM_TYPES as readonly string[]).includes(a.items?.type ?? '')) return 'An array property needs items.type';
  for (const k of ['minLength', 'maxLength'] as const) {
    const v = a[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) return `${k} must be a whole number`;
  }
  if (a.enum !== undefined && (!Array.isArray(a.enum) || a.enum.length === 0)) return 'enum must be a non-empty list';
  return undefined;
}
