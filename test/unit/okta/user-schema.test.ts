/**
 * The agent's view of the org's user schema (src/okta/user-schema.ts): parsed from the document the
 * simulator serves (which the conformance test holds to the official spec), and the one check of a
 * profile's values: type, enum, lengths, unknown attributes.
 */
import { BASE_USER_SCHEMA, parseUserSchema, profileProblems, type UserSchema } from '../../../src/okta/user-schema';
import { userSchemaJson } from '../../../src/okta-sim/serialize/user-schema';
import { UserSchemaStore } from '../../../src/okta-sim/store/user-schema';

function orgSchema(): UserSchema {
  const store = new UserSchemaStore(() => 0, 'osc1');
  store.setCustom('costCenterCode', { type: 'string', minLength: 2, maxLength: 8 });
  store.setCustom('region', { type: 'string', enum: ['EU', 'US'] });
  store.setCustom('seats', { type: 'integer' });
  store.setCustom('ratio', { type: 'number' });
  store.setCustom('contractor', { type: 'boolean' });
  store.setCustom('tags', { type: 'array', items: { type: 'string', enum: ['a', 'b'] } });
  return parseUserSchema(JSON.parse(JSON.stringify(userSchemaJson(store, 'http://sim', 'email'))), '2026-07-01T00:00:00.000Z');
}

describe('parseUserSchema', () => {
  test('base and custom attributes with their types, lengths and enums', () => {
    const s = orgSchema();
    expect(s.source).toBe('org');
    expect(s.readAt).toBe('2026-07-01T00:00:00.000Z');
    expect(s.attributes.login).toEqual({ type: 'string', scope: 'base', minLength: 5, maxLength: 100 });
    expect(s.attributes.department).toEqual({ type: 'string', scope: 'base' });
    expect(s.attributes.costCenterCode).toEqual({ type: 'string', scope: 'custom', minLength: 2, maxLength: 8 });
    expect(s.attributes.region).toEqual({ type: 'string', scope: 'custom', enum: ['EU', 'US'] });
    expect(s.attributes.tags).toEqual({ type: 'array', scope: 'custom', itemType: 'string', enum: ['a', 'b'] });
    expect(Object.keys(s.attributes)).toHaveLength(31 + 6);
  });

  test('a type the agent does not know keeps the name and judges no value', () => {
    const s = parseUserSchema({ definitions: { custom: { properties: { blob: { type: 'object' } } } } }, 'now');
    expect(s.attributes.blob).toEqual({ type: 'other', scope: 'custom' });
    expect(profileProblems({ blob: 'anything' }, s)).toEqual([]);
  });
});

describe('profileProblems', () => {
  const s = orgSchema();

  test('values within the schema pass; absent and null values are never a problem', () => {
    expect(
      profileProblems({ login: 'ada@x.test', costCenterCode: 'CC-1', region: 'EU', seats: 3, ratio: 0.5, contractor: false, tags: ['a'], title: null }, s),
    ).toEqual([]);
  });

  test('the wrong type, outside the enum, beyond the lengths: the attribute and the limit named', () => {
    expect(profileProblems({ seats: '3', ratio: 'x', contractor: 'true', tags: 'a' }, s)).toEqual([
      { attribute: 'seats', reason: `Okta's user schema wants an integer, the transforms give text "3"` },
      { attribute: 'ratio', reason: `Okta's user schema wants a number, the transforms give text "x"` },
      { attribute: 'contractor', reason: `Okta's user schema wants a boolean, the transforms give text "true"` },
      { attribute: 'tags', reason: `Okta's user schema wants a list of string values, the transforms give text "a"` },
    ]);
    expect(profileProblems({ seats: 2.5 }, s)[0].reason).toBe("Okta's user schema wants an integer, the transforms give a number 2.5");
    expect(profileProblems({ region: 'APAC', tags: ['a', 'c'] }, s)).toEqual([
      { attribute: 'region', reason: `"APAC" is not one of the values Okta's user schema allows (EU, US)` },
      { attribute: 'tags', reason: `"c" is not one of the values Okta's user schema allows (a, b)` },
    ]);
    expect(profileProblems({ costCenterCode: 'CC-123456', firstName: 'x'.repeat(51), login: 'a@b' }, s)).toEqual([
      { attribute: 'costCenterCode', reason: "9 characters, more than the 8 (maxLength) Okta's user schema allows" },
      { attribute: 'firstName', reason: "51 characters, more than the 50 (maxLength) Okta's user schema allows" },
      { attribute: 'login', reason: "3 characters, fewer than the 5 (minLength) Okta's user schema requires" },
    ]);
  });

  test("an attribute the org's schema lacks is named (a hook may set anything); without a schema read, only base limits are judged", () => {
    expect(profileProblems({ costCentre: 'x' }, s)).toEqual([{ attribute: 'costCentre', reason: "not an attribute of Okta's user schema" }]);
    expect(profileProblems({ costCentre: 'x', countryCode: 'USA' }, BASE_USER_SCHEMA)).toEqual([
      { attribute: 'countryCode', reason: "3 characters, more than the 2 (maxLength) Okta's user schema allows" },
    ]);
  });
});
