import { InMemoryLoginRegistry, InMemoryUniqueRegistry, TransformRunError, type LoginRegistry } from '../../../src/transform';
import { normalizeLogin } from '../../../src/okta/profile';
import { compileOk, ctx, rec } from './helpers';

const steps = [
  { map: { firstName: '{givenName}', lastName: '{sn}' } },
  {
    name: 'login',
    username: {
      templates: [
        "{givenName | transliterate | lower | replace(/[^a-z0-9]/, '')}.{sn | transliterate | lower | replace(/[^a-z0-9]/, '')}@corp.example",
        "{givenName | transliterate | lower | substring(0, 1)}{sn | transliterate | lower | replace(/[^a-z0-9]/, '')}@corp.example",
      ],
    },
  },
];

describe('normalizeLogin', () => {
  test('case- and diacritic-insensitive like Okta', () => {
    expect(normalizeLogin('Isaac.Brock@example.com')).toBe('isaac.brock@example.com');
    expect(normalizeLogin('isáàc.bröck@example.com')).toBe('isaac.brock@example.com');
    expect(normalizeLogin('İSTANBUL@x.io')).toBe('istanbul@x.io');
    expect(normalizeLogin('plain@x.io')).toBe('plain@x.io');
  });
});

describe('username step', () => {
  const p = compileOk(steps);
  const user = (anchor: string, givenName: string, sn: string) => rec({ givenName, sn }, { anchor });

  test('first candidate when free; loginSource is the first candidate', async () => {
    const out = await p.run(user('a1', 'José', "O'Brien"), ctx({ logins: new InMemoryLoginRegistry() }));
    expect(out).toMatchObject({ kind: 'ok', login: 'jose.obrien@corp.example', loginSource: 'jose.obrien@corp.example', findings: [] });
  });

  test('conflict with Okta (diacritics and case ignored) → alternate template, finding names the holder', async () => {
    const logins = new InMemoryLoginRegistry([['José.OBrien@corp.example', 'okta:00u1 (DEPROVISIONED)']]);
    const out = await p.run(user('a1', 'Jose', 'Obrien'), ctx({ logins }));
    expect(out).toMatchObject({
      kind: 'ok',
      login: 'jobrien@corp.example',
      loginSource: 'jose.obrien@corp.example',
      findings: [
        {
          type: 'username.conflict',
          step: 'login',
          attribute: 'login',
          before: 'jose.obrien@corp.example',
          after: 'jobrien@corp.example',
          message: "'jose.obrien@corp.example' held by okta:00u1 (DEPROVISIONED)",
        },
      ],
    });
  });

  test('duplicate names in one run get numeric suffixes on the first candidate', async () => {
    const logins = new InMemoryLoginRegistry();
    const c = ctx({ logins });
    const logins1 = [];
    for (let i = 1; i <= 4; i++) {
      const o = await p.run(user(`a${i}`, 'John', 'Smith'), c);
      logins1.push(o.kind === 'ok' ? o.login : o.kind);
    }
    expect(logins1).toEqual(['john.smith@corp.example', 'jsmith@corp.example', 'john.smith2@corp.example', 'john.smith3@corp.example']);
  });

  test('stable across runs while the login source is unchanged; rebuilt when it changes', async () => {
    const logins = new InMemoryLoginRegistry([
      ['john.smith@corp.example', 'other-1'],
      ['jsmith@corp.example', 'other-2'],
      ['john.smith7@corp.example', 'a1'],
    ]);
    const previous = { login: 'john.smith7@corp.example', loginSource: 'john.smith@corp.example' };
    const kept = await p.run(user('a1', 'John', 'Smith'), ctx({ logins, previous }));
    expect(kept).toMatchObject({ kind: 'ok', login: 'john.smith7@corp.example', loginSource: 'john.smith@corp.example', findings: [] });
    const renamed = await p.run(user('a1', 'John', 'Smith-Jones'), ctx({ logins: new InMemoryLoginRegistry(), previous }));
    expect(renamed).toMatchObject({ kind: 'ok', login: 'john.smithjones@corp.example', loginSource: 'john.smithjones@corp.example' });
  });

  test('the previous login is not kept when someone else now holds it', async () => {
    const logins = new InMemoryLoginRegistry([['john.smith7@corp.example', 'intruder']]);
    const previous = { login: 'john.smith7@corp.example', loginSource: 'john.smith@corp.example' };
    const out = await p.run(user('a1', 'John', 'Smith'), ctx({ logins, previous }));
    expect(out).toMatchObject({ kind: 'ok', login: 'john.smith@corp.example' });
  });

  test('suffix false, and exhausted suffixes, quarantine naming the holders', async () => {
    const noSuffix = compileOk([{ username: { templates: ['{uid}@x.io'], suffix: false } }]);
    const logins = new InMemoryLoginRegistry([['bob@x.io', 'b0']]);
    expect(await noSuffix.run(rec({ uid: 'bob' }), ctx({ logins }))).toMatchObject({
      kind: 'quarantine',
      step: 'username#0',
      reason: "no available login: 'bob@x.io' held by b0 taken",
      findings: [{ type: 'username.conflict', before: 'bob@x.io', after: null }],
    });
    const small = compileOk([{ username: { templates: ['{uid}@x.io'], suffix: { start: 1, max: 2, separator: '.' } } }]);
    const taken = new InMemoryLoginRegistry([
      ['bob@x.io', 'b0'],
      ['bob.1@x.io', 'b1'],
      ['bob.2@x.io', 'b2'],
    ]);
    expect(await small.run(rec({ uid: 'bob' }), ctx({ logins: taken }))).toMatchObject({ kind: 'quarantine', reason: expect.stringContaining('suffixes 1–2') });
    const free = new InMemoryLoginRegistry([['bob@x.io', 'b0']]);
    expect(await small.run(rec({ uid: 'bob' }), ctx({ logins: free }))).toMatchObject({ kind: 'ok', login: 'bob.1@x.io' });
  });

  test('no template value → quarantine', async () => {
    expect(await p.run(rec({ givenName: 'Cher' }), ctx({ logins: new InMemoryLoginRegistry() }))).toMatchObject({
      kind: 'quarantine',
      reason: 'no login: every username template has a missing value',
    });
  });

  test('a claim made by a record that a later step quarantines is released', async () => {
    const q = compileOk([
      { map: { employeeNumber: '{employeeID}' } },
      { username: { templates: ['{uid}@x.io'] } },
      { validate: { required: ['employeeNumber'] } },
    ]);
    const logins = new InMemoryLoginRegistry();
    expect(await q.run(rec({ uid: 'ann' }, { anchor: 'bad' }), ctx({ logins }))).toMatchObject({ kind: 'quarantine' });
    expect(await q.run(rec({ uid: 'ann', employeeID: '1' }, { anchor: 'good' }), ctx({ logins }))).toMatchObject({ kind: 'ok', login: 'ann@x.io' });
  });

  test('async registries and concurrent records: atomic claim prevents duplicates', async () => {
    const inner = new InMemoryLoginRegistry();
    const slow: LoginRegistry = {
      isAvailable: async (l, a) => {
        await new Promise((r) => setTimeout(r, 2));
        return inner.isAvailable(l, a);
      },
      claim: async (l, a) => inner.claim(l, a),
      release: async (l, a) => inner.release(l, a),
    };
    const outs = await Promise.all([1, 2, 3].map((i) => p.run(user(`a${i}`, 'Mia', 'Wong'), ctx({ logins: slow }))));
    const got = outs.map((o) => (o.kind === 'ok' ? o.login : o.kind));
    expect(new Set(got).size).toBe(3);
  });

  test('a missing registry or a failing one rejects with TransformRunError', async () => {
    await expect(p.run(user('a1', 'A', 'B'), ctx())).rejects.toBeInstanceOf(TransformRunError);
    const broken: LoginRegistry = {
      isAvailable: async () => {
        throw new Error('Okta unreachable');
      },
      claim: () => true,
      release: () => undefined,
    };
    await expect(p.run(user('a1', 'A', 'B'), ctx({ logins: broken }))).rejects.toThrow('login registry failed: Okta unreachable');
  });
});

describe('validate.unique', () => {
  const p = compileOk([
    { map: { login: '{uid}@x.io', employeeNumber: '{employeeID}' } },
    { validate: { unique: [{ attribute: 'employeeNumber', ignoreCase: true }] } },
  ]);
  test('first holder keeps the value; a newcomer is quarantined naming the holder; the holder passes again', async () => {
    const unique = new InMemoryUniqueRegistry();
    const c = ctx({ unique });
    expect(await p.run(rec({ uid: 'a', employeeID: 'E-1' }, { anchor: 'first' }), c)).toMatchObject({ kind: 'ok' });
    expect(await p.run(rec({ uid: 'b', employeeID: 'e-1' }, { anchor: 'second' }), c)).toMatchObject({
      kind: 'quarantine',
      reason: "employeeNumber 'e-1' is already held by first",
      findings: [{ type: 'validate.unique', attribute: 'employeeNumber' }],
    });
    expect(await p.run(rec({ uid: 'a', employeeID: 'E-1' }, { anchor: 'first' }), c)).toMatchObject({ kind: 'ok' });
    expect(await p.run(rec({ uid: 'c' }, { anchor: 'third' }), c)).toMatchObject({ kind: 'ok' });
  });
  test('a registry is required', async () => {
    await expect(p.run(rec({ uid: 'a', employeeID: '1' }), ctx())).rejects.toBeInstanceOf(TransformRunError);
  });
});
