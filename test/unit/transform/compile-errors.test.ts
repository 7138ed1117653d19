import { join } from 'node:path';
import { compilePipeline, compilePipelineOrThrow, PipelineCompileError } from '../../../src/transform';
import { compileErrors, compileOk, ctx, rec } from './helpers';

const known = ['sAMAccountName', 'givenName', 'sn', 'mail', 'mobile', 'department', 'employeeID', 'c'];

describe('compilePipeline errors carry paths relative to the steps list', () => {
  test('unknown function and unknown attribute, all at once, with did-you-mean', () => {
    const errs = compileErrors([{ map: { login: '{sAMAccountName | lowr}@corp.example', email: '{mial}' } }, { skip: { if: "departmnt == 'IT'" } }], {
      knownAttributes: known,
    });
    expect(errs).toEqual([
      { path: [0, 'map', 'login'], message: expect.stringContaining("unknown function 'lowr' (did you mean 'lower'?)") },
      { path: [0, 'map', 'email'], message: expect.stringContaining("attribute 'mial' is not in source attributes (did you mean 'mail'?)") },
      { path: [1, 'skip', 'if'], message: expect.stringContaining("attribute 'departmnt' is not in source attributes (did you mean 'department'?)") },
    ]);
    expect(errs[0].message).toContain('at column 19');
  });

  test('without knownAttributes any attribute is accepted', async () => {
    const steps = [{ map: { login: '{whatever}' } }];
    const r = compilePipeline(steps, { baseDir: __dirname });
    expect(r).toMatchObject({ ok: true, pipeline: { referencedAttributes: ['whatever'] } });
    // the same step with a list of known attributes that lacks it is an error
    expect(compileErrors(steps, { knownAttributes: known })).toEqual([
      { path: [0, 'map', 'login'], message: expect.stringContaining("attribute 'whatever' is not in source attributes") },
    ]);
    // and the compiled pipeline reads the attribute
    expect(await compileOk(steps).run(rec({ whatever: 'w@corp.example' }), ctx())).toMatchObject({ kind: 'ok', login: 'w@corp.example' });
  });

  test('schema errors: unknown key, no kind, two kinds, wrong type, nested when', () => {
    const r = compilePipeline(
      [
        { map: { login: 'x' }, colour: 'red' },
        { name: 'empty' },
        { map: {}, set: {} },
        { skip: { if: 3 } },
        { when: { if: 'a', steps: [{ validate: { requird: ['login'] } }] } },
      ],
      { baseDir: __dirname },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = r.errors.map((e) => `${e.path.join('.')}: ${e.message}`);
    expect(byPath).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0: Unrecognized key: "colour"/),
        expect.stringMatching(/^1: a step needs one of: map, set, when/),
        expect.stringMatching(/^2: a step has exactly one kind, found map and set/),
        expect.stringMatching(/^3\.skip\.if: Invalid input: expected string/),
        expect.stringMatching(/^4\.when\.steps\.0\.validate: Unrecognized key: "requird"/),
      ]),
    );
  });

  test('the steps list itself must be a list', () => {
    const r = compilePipeline({ map: {} }, { baseDir: __dirname });
    expect(r).toEqual({ ok: false, errors: [{ path: [], message: expect.stringMatching(/expected array/) }] });
  });

  test('errors inside nested when steps have the nested path', () => {
    const errs = compileErrors([{ when: { if: 'exists(mail)', steps: [{ map: { email: '{mail | lowerr}' } }], else: [{ map: { email: '{x | nope}' } }] } }]);
    expect(errs.map((e) => e.path)).toEqual([
      [0, 'when', 'steps', 0, 'map', 'email'],
      [0, 'when', 'else', 0, 'map', 'email'],
    ]);
  });

  test('arity, literal pattern, invalid regex, invalid flags', () => {
    const errs = compileErrors([{ map: { a: '{substring(x)}', b: '{x | replace(y, "")}', c: '{x =~ /(/}', d: '{x | replace(/a/y, "")}' } }]);
    expect(errs.map((e) => e.path[2])).toEqual(['a', 'b', 'c', 'd']);
    expect(errs[0].message).toContain('substring() takes 2 to 3 arguments but got 1');
    expect(errs[1].message).toContain('must be a literal');
    expect(errs[2].message).toContain('invalid regular expression');
    expect(errs[3].message).toContain('unsupported regular-expression flags');
  });

  test('syntax errors report the column', () => {
    const errs = compileErrors([{ map: { login: '{a | lower' } }, { skip: { if: 'a = 1' } }]);
    expect(errs[0]).toEqual({ path: [0, 'map', 'login'], message: expect.stringContaining("unclosed '{'") });
    expect(errs[1]).toEqual({ path: [1, 'skip', 'if'], message: expect.stringContaining("use '==' to compare) (at column 3") });
  });

  test('a profile attribute must be set by an earlier step', () => {
    const errs = compileErrors([
      { map: { firstName: '{givenName}', displayName: '{profile.firstNam} x' } },
      { validate: { required: ['login', 'firstName'], email: ['emial'] } },
      { normalize: { phone: { attributes: ['mobilePhone'] } } },
    ]);
    expect(errs).toEqual([
      {
        path: [0, 'map', 'displayName'],
        message: expect.stringContaining("profile attribute 'firstNam' is not set by an earlier step (did you mean 'firstName'?)"),
      },
      { path: [1, 'validate', 'required', 0], message: expect.stringContaining("'login' is not set by an earlier step") },
      { path: [1, 'validate', 'email', 0], message: expect.stringContaining("'emial'") },
      { path: [2, 'normalize', 'phone', 'attributes', 0], message: expect.stringContaining("'mobilePhone'") },
    ]);
  });

  test('row.<column> only inside a lookup map', () => {
    const errs = compileErrors([{ map: { login: '{row.x}' } }]);
    expect(errs[0].message).toContain("'row.x' can only be used in a lookup step's map");
  });

  test('lookup default consistency, sqlite table/query, hook module missing, phone region', () => {
    const errs = compileErrors([
      { map: { login: '{mail}' } },
      { lookup: { source: { type: 'csv', file: 'x.csv' }, key: '{employeeID}', column: 'id', map: { department: '{row.dept}' }, onMissing: 'default' } },
      { lookup: { source: { type: 'sqlite', file: 'x.db' }, key: '{employeeID}', column: 'id', map: {} } },
      { hook: { module: './does-not-exist.js' } },
      { normalize: { phone: { attributes: ['login'], region: 'ZZ' } } },
    ]);
    expect(errs.map((e) => [e.path.join('.'), e.message])).toEqual([
      ['1.lookup.default', "onMissing is 'default' but no default row is given"],
      ['2.lookup.source', 'give exactly one of table or query'],
      ['3.hook.module', expect.stringContaining("hook module './does-not-exist.js' not found")],
      ['4.normalize.phone.region', expect.stringContaining("unknown region 'ZZ'")],
    ]);
  });

  test('duplicate step names', () => {
    const errs = compileErrors([
      { name: 'a', map: { login: 'x' } },
      { name: 'a', map: { email: 'y' } },
    ]);
    expect(errs).toEqual([{ path: [1, 'name'], message: "step name 'a' is already used at 0" }]);
  });

  test('invalid validate pattern and suffix range', () => {
    const errs = compileErrors([
      { map: { login: '{mail}', employeeNumber: '{employeeID}' } },
      { validate: { pattern: { employeeNumber: '^(\\d+$' } } },
      { username: { templates: ['{mail}'], suffix: { start: 10, max: 5 } } },
    ]);
    expect(errs.map((e) => e.path.join('.'))).toEqual(['1.validate.pattern.employeeNumber', '2.username.suffix.max']);
  });

  test('compilePipelineOrThrow throws PipelineCompileError listing every error', () => {
    try {
      compilePipelineOrThrow([{ map: { a: '{x | nope}', b: '{y | nada}' } }], { baseDir: __dirname });
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(PipelineCompileError);
      expect((e as PipelineCompileError).errors).toHaveLength(2);
      expect((e as Error).message).toContain('0.map.a: unknown function');
    }
  });

  test('referencedAttributes lists the source attributes read, lower-cased, once', () => {
    const p = compileOk([
      { map: { login: '{sAMAccountName | lower}@x.io', firstName: '{GivenName}' } },
      { skip: { if: "userAccountControl == '514' or samaccountname =~ /^svc/" } },
      { username: { templates: ['{givenName}.{sn}@x.io'] } },
      { when: { if: 'exists(employeeType)', steps: [{ map: { title: '{title}' } }] } },
    ]);
    expect(p.referencedAttributes).toEqual(['employeetype', 'givenname', 'samaccountname', 'sn', 'title', 'useraccountcontrol']);
    expect(p.hasAsyncSteps).toBe(true);
  });

  test('a hook may set attributes profileWrites does not list (setsUnlistedAttributes), also in a branch of a when', () => {
    const p = compileOk([
      { map: { login: '{uid}@x.io', firstName: '{givenName}' } },
      { when: { if: 'exists(title)', steps: [{ map: { title: '{title}' } }], else: [{ set: { department: 'none' } }] } },
      { username: { templates: ['{givenName}@x.io'], attribute: 'login' } },
    ]);
    expect([...new Set(p.profileWrites.map((w) => w.attribute))].sort()).toEqual(['department', 'firstName', 'login', 'title']);
    expect(p.setsUnlistedAttributes).toBe(false);
    const hooked = compileOk([{ map: { login: '{uid}@x.io' } }, { hook: { module: 'hooks/enrich.js' } }], {
      baseDir: join(__dirname, '../../fixtures/transform'),
    });
    expect(hooked.setsUnlistedAttributes).toBe(true);
    const branch = compileOk([{ map: { login: '{uid}@x.io' } }, { when: { if: 'true', steps: [{ hook: { module: 'hooks/enrich.js' } }] } }], {
      baseDir: join(__dirname, '../../fixtures/transform'),
    });
    expect(branch.setsUnlistedAttributes).toBe(true);
  });
});
