/**
 * The default user type's schema: `GET /api/v1/meta/schemas/user/{schemaId}` and the partial update
 * `POST` (custom properties only: a property set to null is removed, an object adds or replaces it;
 * changes to `#base` properties are ignored). `schemaId` is `default` or the schema's own id.
 */
import { errors, type FieldProblem } from '../errors';
import type { Handler, SimCore } from '../http/types';
import { userSchemaJson } from '../serialize/user-schema';
import { asObject } from '../store/user-input';
import type { CustomAttributeInput, UserSchemaStore } from '../store/user-schema';

function schemaOf(sim: SimCore, schemaId: string): UserSchemaStore {
  const schema = sim.store.users.schema;
  if (schemaId !== 'default' && schemaId !== schema.id) throw errors.notFound(schemaId, 'UserSchema');
  return schema;
}

/** GET → 200 UserSchema. */
export const getUserSchema: Handler = (ctx, sim) => {
  const schema = schemaOf(sim, ctx.params[0]);
  return { status: 200, body: userSchemaJson(schema, ctx.baseUrl, sim.store.users.options.loginFormat) };
};

/** POST → 200 UserSchema, or 400 E0000001 naming every bad custom property (nothing changed then). */
export const updateUserSchema: Handler = (ctx, sim) => {
  const schema = schemaOf(sim, ctx.params[0]);
  const body = asObject(ctx.body);
  const custom = (body.definitions as { custom?: { properties?: unknown } } | undefined)?.custom?.properties;
  if (custom !== undefined && (typeof custom !== 'object' || custom === null || Array.isArray(custom))) {
    throw errors.validation([{ field: 'properties', message: 'The field must be an object' }]);
  }
  const entries = Object.entries((custom ?? {}) as Record<string, CustomAttributeInput | null>);
  const problems: FieldProblem[] = [];
  for (const [name, def] of entries) {
    const problem = def === null ? undefined : schema.problemOf(name, def);
    if (problem) problems.push({ field: name, message: problem });
  }
  if (problems.length) throw errors.validation(problems);
  for (const [name, def] of entries) {
    if (def === null) schema.removeCustom(name);
    else schema.setCustom(name, def);
  }
  return { status: 200, body: userSchemaJson(schema, ctx.baseUrl, sim.store.users.options.loginFormat) };
};
