/**
 * Wire shape of the user schema (spec `UserSchema`): `definitions.base` and `definitions.custom`
 * with their properties and required lists, `properties.profile` composing both, ISO timestamps,
 * the `id` URI and a `self` link. The login pattern shows how the org's `loginFormat` relaxed the
 * default (absent: the default email format).
 */
import type { LoginFormat } from '../store/profile-rules';
import type { SchemaAttribute, UserSchemaStore } from '../store/user-schema';

function subschema(id: string, attrs: ReadonlyMap<string, SchemaAttribute>, extra: Record<string, Partial<SchemaAttribute>> = {}) {
  const properties: Record<string, SchemaAttribute> = {};
  for (const [name, a] of attrs) properties[name] = { ...a, ...(extra[name] ?? {}) };
  return { id, type: 'object', properties, required: [...attrs].filter(([, a]) => a.required).map(([n]) => n) };
}

export function loginPattern(format: LoginFormat): string | undefined {
  if (format === 'email') return undefined;
  return format === 'any' ? '.+' : format.source;
}

export function userSchemaJson(schema: UserSchemaStore, baseUrl: string, loginFormat: LoginFormat): Record<string, unknown> {
  const pattern = loginPattern(loginFormat);
  const self = `${baseUrl}/api/v1/meta/schemas/user/${schema.id}`;
  return {
    id: `${baseUrl}/meta/schemas/user/${schema.id}`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    name: 'user',
    title: 'User',
    created: new Date(schema.created).toISOString(),
    lastUpdated: new Date(schema.lastUpdated).toISOString(),
    definitions: {
      base: subschema('#base', schema.baseAttributes(), pattern ? { login: { pattern } } : {}),
      custom: subschema('#custom', schema.customAttributes()),
    },
    type: 'object',
    properties: { profile: { allOf: [{ $ref: '#/definitions/base' }, { $ref: '#/definitions/custom' }] } },
    _links: { self: { href: self } },
  };
}
