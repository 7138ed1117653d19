/**
 * The stored form of profiles (state/profile-codec.ts): what is written reads back the same, in the
 * same order; the numbers given to Okta's base attributes never move; rows written as JSON objects
 * (schema version 7 and older) still read.
 */
import { decodeProfile, encodeProfile } from '../../../src/state/profile-codec';
import { attributeOf, newProfile, type Profile } from '../../../src/okta/profile';

test('a profile reads back with the same attributes, values and order; base attributes are stored by number, others by name', () => {
  const profile: Profile = newProfile({
    lastName: 'Smith',
    login: 'jsmith@example.com',
    costCenter: 'CC-1',
    employeeType: 'contractor',
    mobilePhone: null,
    roles: ['a', 'b'],
    level: 3,
    active: true,
    '9lives': 'a name that looks like a number is still a name',
  });
  const stored = encodeProfile(profile);
  expect(stored).toBe(
    '[3,"Smith",0,"jsmith@example.com",26,"CC-1","employeeType","contractor",8,null,"roles",["a","b"],"level",3,"active",true,"9lives","a name that looks like a number is still a name"]',
  );
  const back = decodeProfile(stored);
  expect(Object.entries(back)).toEqual(Object.entries(profile));
  expect(attributeOf(back, 'toString')).toBeUndefined();
  expect(back.toString).toBeUndefined(); // inherits nothing
});

test("the numbers of Okta's base profile attributes (a storage format: append only)", () => {
  const names = [
    'login',
    'email',
    'firstName',
    'lastName',
    'displayName',
    'title',
    'department',
    'primaryPhone',
    'mobilePhone',
    'employeeNumber',
    'secondEmail',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
    'nickName',
    'profileUrl',
    'streetAddress',
    'city',
    'state',
    'zipCode',
    'postalAddress',
    'countryCode',
    'preferredLanguage',
    'locale',
    'timezone',
    'userType',
    'costCenter',
    'organization',
    'division',
    'managerId',
    'manager',
  ];
  const stored = JSON.parse(encodeProfile(newProfile(Object.fromEntries(names.map((n) => [n, n]))))) as unknown[];
  expect(stored).toEqual(names.flatMap((n, i) => [i, n]));
});

test('an attribute whose value is undefined is left out, as JSON leaves it out of an object', () => {
  const p = newProfile({ login: 'a@example.com' });
  (p as Record<string, unknown>).title = undefined;
  expect(encodeProfile(p)).toBe('[0,"a@example.com"]');
});

test('a profile stored as a JSON object (schema version 7 and older) reads as it is', () => {
  const back = decodeProfile('{"login":"a@example.com","title":null,"roles":["x"]}');
  expect(Object.entries(back)).toEqual([
    ['login', 'a@example.com'],
    ['title', null],
    ['roles', ['x']],
  ]);
  expect(back.constructor).toBeUndefined();
});

test('a stored attribute number this agent does not know is an error, not a silently dropped attribute', () => {
  expect(() => decodeProfile('[0,"a@example.com",999,"x"]')).toThrow(/attribute number 999/);
});
