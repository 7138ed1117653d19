import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeLogin, OKTA_PROFILE_LIMITS, profileValuesEqual, type Profile } from '../../../src/okta/profile';
import { validateProfile } from '../../../src/okta-sim/store/profile-rules';
import { UserSchemaStore } from '../../../src/okta-sim/store/user-schema';

interface Prop {
  minLength?: number;
  maxLength?: number;
}
const spec = JSON.parse(readFileSync(join(__dirname, '../../fixtures/okta-openapi/users-groups.openapi.json'), 'utf8')) as {
  components: { schemas: { UserProfile: { properties: Record<string, Prop> } } };
};
/** The length limits of Okta's base user profile, from the official spec. */
const specLimits = Object.fromEntries(
  Object.entries(spec.components.schemas.UserProfile.properties)
    .filter(([, p]) => p.maxLength !== undefined)
    .map(([name, p]) => [name, p.minLength ? { min: p.minLength, max: p.maxLength } : { max: p.maxLength }]),
);

describe("Okta's profile limits", () => {
  test("the agent's table is the spec's UserProfile lengths", () => {
    expect(Object.keys(specLimits).length).toBeGreaterThan(10);
    expect(OKTA_PROFILE_LIMITS).toEqual(specLimits);
  });

  test("the simulator's own table agrees with the spec (it may not import the agent's)", () => {
    const schema = new UserSchemaStore(() => 0, 'osc1');
    expect([...schema.baseAttributes().keys()].sort()).toEqual(Object.keys(spec.components.schemas.UserProfile.properties).sort());
    const base: Profile = { login: 'a.b@x.test', email: 'a.b@x.test', firstName: 'A', lastName: 'B' };
    expect(validateProfile(base, schema, 'email')).toEqual([]);
    for (const [field, { min, max }] of Object.entries(specLimits) as [string, { min?: number; max: number }][]) {
      const text = (n: number) => (field.toLowerCase().includes('email') || field === 'login' ? 'a'.repeat(Math.max(0, n - 7)) + '@x.test' : 'a'.repeat(n));
      expect([field, validateProfile({ ...base, [field]: text(max) }, schema, 'any')]).toEqual([field, []]);
      expect([field, validateProfile({ ...base, [field]: text(max + 1) }, schema, 'any').map((p) => p.field)]).toEqual([field, [field]]);
      if (min !== undefined && min > 1) expect([field, validateProfile({ ...base, [field]: 'a'.repeat(min - 1) }, schema, 'any').length]).toEqual([field, 1]);
    }
  });
});

describe('profileValuesEqual', () => {
  test('scalars by value; arrays element by element, in order', () => {
    expect(profileValuesEqual('a', 'a')).toBe(true);
    expect(profileValuesEqual('1', 1)).toBe(false);
    expect(profileValuesEqual(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(profileValuesEqual(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(profileValuesEqual(['a'], ['a', 'b'])).toBe(false);
    expect(profileValuesEqual([1, 2], [1, 2])).toBe(true);
    expect(profileValuesEqual('a', ['a'])).toBe(false);
  });

  test('an absent value equals null, and nothing else', () => {
    expect(profileValuesEqual(undefined, null)).toBe(true);
    expect(profileValuesEqual(null, undefined)).toBe(true);
    expect(profileValuesEqual(undefined, '')).toBe(false);
    expect(profileValuesEqual(undefined, false)).toBe(false);
  });
});

describe('normalizeLogin', () => {
  test("Okta's login key: case- and diacritic-insensitive", () => {
    expect(normalizeLogin('Isaac.Brock@example.com')).toBe('isaac.brock@example.com');
    expect(normalizeLogin('isáàc.bröck@example.com')).toBe('isaac.brock@example.com');
  });
});
