import { compileOk, ctx, rec } from './helpers';

const run = async (steps: unknown, attrs: Parameters<typeof rec>[0], extra: Parameters<typeof rec>[1] = {}, trace = false) =>
  compileOk(steps).run(rec(attrs, extra), ctx(), { trace });

describe('map and set', () => {
  test('templates, missing → null, empty → null, lists stay lists, later entries read earlier ones', async () => {
    const out = await run(
      [
        {
          map: {
            login: '{uid}@corp.example',
            firstName: '{givenName | trim}',
            middleName: '{initials}',
            nickName: "{givenName | replace(/.*/, '')}",
            groups: '{memberOf[] | rdn}',
            displayName: '{profile.firstName} {sn}',
          },
        },
        { set: { userType: 'Employee', isActive: true, level: 3, tags: ['a', '{b}'], costCenter: null } },
      ],
      { uid: 'jdoe', givenName: ' John ', sn: 'Doe', memberOf: ['CN=Sales,OU=G', 'CN=VPN Users,OU=G'] },
    );
    expect(out).toMatchObject({
      kind: 'ok',
      profile: {
        login: 'jdoe@corp.example',
        firstName: 'John',
        middleName: null,
        nickName: null,
        groups: ['Sales', 'VPN Users'],
        displayName: 'John Doe',
        userType: 'Employee',
        isActive: true,
        level: 3,
        tags: ['a', '{b}'],
        costCenter: null,
      },
      findings: [],
    });
  });

  test('set gives every record its own array', async () => {
    const p = compileOk([{ map: { login: 'a@b.io' } }, { set: { tags: ['x'] } }]);
    const a = await p.run(rec({}), ctx());
    const b = await p.run(rec({}), ctx());
    if (a.kind !== 'ok' || b.kind !== 'ok') throw new Error('not ok');
    (a.profile.tags as string[]).push('mutated');
    expect(b.profile.tags).toEqual(['x']);
  });

  test('no login at the end → quarantined by the pipeline', async () => {
    const out = await run([{ map: { login: '{uid}' } }], {});
    expect(out).toMatchObject({ kind: 'quarantine', step: 'pipeline', reason: expect.stringContaining('no login') });
  });
});

describe('skip and when', () => {
  const steps = [
    { map: { login: '{sAMAccountName}@corp.example', userType: 'Employee' } },
    { name: 'service-accounts', skip: { if: 'sAMAccountName =~ /^svc[-_]/i', reason: 'service account {sAMAccountName}' } },
    {
      when: {
        if: "employeeType == 'Contractor'",
        steps: [{ set: { userType: 'Contractor' } }, { skip: { if: 'not exists(manager)', reason: 'contractor without sponsor' } }],
        else: [{ map: { department: '{department | default("Unassigned")}' } }],
      },
    },
  ];
  test('skip names the step and renders the reason template', async () => {
    expect(await run(steps, { sAMAccountName: 'SVC_backup' })).toEqual({
      kind: 'skip',
      anchor: 'anchor-1',
      step: 'service-accounts',
      reason: 'service account SVC_backup',
      findings: [],
    });
  });
  test('when: then-branch, nested skip named after its parent', async () => {
    expect(await run(steps, { sAMAccountName: 'c1', employeeType: 'Contractor' })).toMatchObject({
      kind: 'skip',
      step: 'when#2/skip#1',
      reason: 'contractor without sponsor',
    });
    expect(await run(steps, { sAMAccountName: 'c1', employeeType: 'Contractor', manager: 'CN=Boss' })).toMatchObject({
      kind: 'ok',
      profile: { userType: 'Contractor' },
    });
  });
  test('when: else-branch', async () => {
    expect(await run(steps, { sAMAccountName: 'e1' })).toMatchObject({ kind: 'ok', profile: { userType: 'Employee', department: 'Unassigned' } });
  });
  test('a skip reason template that is missing falls back to the literal reason', async () => {
    expect(await run([{ map: { login: 'a@b.io' } }, { skip: { if: 'true', reason: '{nope}' } }], {})).toMatchObject({ kind: 'skip', reason: '{nope}' });
  });
});

describe('normalize', () => {
  const base = {
    map: {
      login: 'u@corp.example',
      email: '{mail}',
      secondEmail: '{otherMail}',
      mobilePhone: '{mobile}',
      primaryPhone: '{telephoneNumber}',
      title: '{title}',
      city: '{l}',
    },
  };
  test('whitespace, unicode, email and phone with findings', async () => {
    const out = await run(
      [
        base,
        { normalize: { whitespace: {}, unicode: {}, email: { attributes: ['email'] }, phone: { attributes: ['mobilePhone', 'primaryPhone'], region: 'GB' } } },
      ],
      {
        mail: '  Ana.Garcia@Corp.Example ',
        mobile: '07911 123456',
        telephoneNumber: '+44 20 7946 0958 ext. 42',
        title: '  Senior\u00a0\u00a0Engineer ',
        l: 'Montre\u0301al',
      },
    );
    expect(out).toMatchObject({
      kind: 'ok',
      profile: { email: 'ana.garcia@corp.example', mobilePhone: '+447911123456', primaryPhone: '+442079460958', title: 'Senior Engineer', city: 'Montréal' },
    });
    expect(out.findings.map((f) => [f.type, f.attribute, f.before, f.after])).toEqual([
      ['whitespace.normalized', 'email', '  Ana.Garcia@Corp.Example ', 'Ana.Garcia@Corp.Example'],
      ['whitespace.normalized', 'title', '  Senior\u00a0\u00a0Engineer ', 'Senior Engineer'],
      ['unicode.normalized', 'city', 'Montre\u0301al', 'Montréal'],
      ['email.normalized', 'email', 'Ana.Garcia@Corp.Example', 'ana.garcia@corp.example'],
      ['phone.normalized', 'mobilePhone', '07911 123456', '+447911123456'],
      ['phone.normalized', 'primaryPhone', '+44 20 7946 0958 ext. 42', '+442079460958'],
    ]);
    expect(out.findings[5].message).toContain('extension 42 dropped');
  });

  test('invalid phone: drop (default), keep, quarantine', async () => {
    const attrs = { mobile: '12345' };
    const drop = await run([base, { normalize: { phone: { attributes: ['mobilePhone'] } } }], attrs);
    expect(drop).toMatchObject({
      kind: 'ok',
      profile: { mobilePhone: null },
      findings: [{ type: 'phone.invalid', attribute: 'mobilePhone', before: '12345', after: null }],
    });
    const keep = await run([base, { normalize: { phone: { attributes: ['mobilePhone'], invalid: 'keep' } } }], attrs);
    expect(keep).toMatchObject({ kind: 'ok', profile: { mobilePhone: '12345' }, findings: [{ type: 'phone.invalid' }] });
    const q = await run([base, { name: 'clean', normalize: { phone: { attributes: ['mobilePhone'], invalid: 'quarantine' } } }], attrs);
    expect(q).toMatchObject({
      kind: 'quarantine',
      step: 'clean',
      reason: expect.stringContaining("mobilePhone: '12345'"),
      findings: [{ type: 'phone.invalid' }],
    });
  });

  test('phone region from a template (the country attribute)', async () => {
    const steps = [base, { normalize: { phone: { attributes: ['mobilePhone'], region: "{c | default('US')}" } } }];
    expect(await run(steps, { mobile: '06 12 34 56 78', c: 'FR' })).toMatchObject({ profile: { mobilePhone: '+33612345678' } });
    expect(await run(steps, { mobile: '(212) 555-0123' })).toMatchObject({ profile: { mobilePhone: '+12125550123' } });
  });

  test('invalid email: quarantine (default), drop', async () => {
    const q = await run([base, { normalize: { email: { attributes: ['email'] } } }], { mail: 'not an email' });
    expect(q).toMatchObject({ kind: 'quarantine', step: 'normalize#1', findings: [{ type: 'email.invalid', before: 'not an email' }] });
    const d = await run([base, { normalize: { email: { attributes: ['email', 'secondEmail'], invalid: 'drop', lowercase: false } } }], {
      mail: 'A@B.io',
      otherMail: 'x@@y',
    });
    expect(d).toMatchObject({
      kind: 'ok',
      profile: { email: 'A@B.io', secondEmail: null },
      findings: [{ type: 'email.invalid', attribute: 'secondEmail', after: null }],
    });
  });
});

describe('validate', () => {
  const base = { map: { login: '{uid}', email: '{mail}', firstName: '{givenName}', lastName: '{sn}', employeeNumber: '{employeeID}', countryCode: '{c}' } };
  test('every failure is a finding and the reason lists them all', async () => {
    const out = await run(
      [base, { name: 'check', validate: { required: ['email', 'firstName'], pattern: { employeeNumber: '^\\d{6}$' }, email: ['login'] } }],
      { uid: 'ab', givenName: 'x'.repeat(51), employeeID: '12A', c: 'USA' },
    );
    expect(out.kind).toBe('quarantine');
    expect(out.findings.map((f) => [f.type, f.attribute])).toEqual([
      ['validate.required', 'email'],
      ['validate.pattern', 'employeeNumber'],
      ['validate.email', 'login'],
      ['validate.length', 'login'],
      ['validate.length', 'firstName'],
      ['validate.length', 'countryCode'],
    ]);
    if (out.kind === 'quarantine') {
      expect(out.step).toBe('check');
      expect(out.reason).toBe(
        "email is required; employeeNumber '12A' does not match /^\\d{6}$/; login 'ab' is not a valid e-mail address; login is 2 characters, fewer than 5; firstName is 51 characters, more than 50; countryCode is 3 characters, more than 2",
      );
    }
  });

  test('oktaLimits can be turned off; maxLength adds limits; e164', async () => {
    const steps = [
      // (a login Okta takes: every profile is held to Okta's limits after the last step anyway)
      { map: { login: '{uid}@x.io', title: '{title}', mobilePhone: '{mobile}' } },
      { validate: { oktaLimits: false, maxLength: { title: 5 }, e164: ['mobilePhone'] } },
    ];
    expect(await run(steps, { uid: 'ab', title: 'Boss' })).toMatchObject({ kind: 'ok' });
    expect(await run(steps, { uid: 'ab', title: 'Bossy!' })).toMatchObject({ kind: 'quarantine', findings: [{ type: 'validate.length', attribute: 'title' }] });
    expect(await run(steps, { uid: 'ab', mobile: '+1 415 555 2671' })).toMatchObject({ kind: 'quarantine', findings: [{ type: 'validate.e164' }] });
    expect(await run(steps, { uid: 'ab', mobile: '+14155552671' })).toMatchObject({ kind: 'ok' });
  });

  test('length counts characters, not UTF-16 units', async () => {
    const steps = [{ map: { login: 'user@x.io', firstName: '{givenName}' } }, { validate: {} }];
    expect(await run(steps, { givenName: '𝒜'.repeat(50) })).toMatchObject({ kind: 'ok' });
  });
});

describe('trace', () => {
  test('records each step output, the branch of when, and the stopping step', async () => {
    const out = await run(
      [
        { map: { login: '{uid}@x.io', title: '{title}' } },
        { when: { if: 'exists(title)', steps: [{ map: { title: '{title | upper}' } }] } },
        { normalize: { whitespace: {} } },
        { skip: { if: "profile.title == 'CEO'", reason: 'vip' } },
      ],
      { uid: 'a', title: 'ceo ', other: 'not referenced' },
      {},
      true,
    );
    expect(out.kind).toBe('skip');
    expect(out.trace!.source).toEqual({ uid: ['a'], title: ['ceo '] });
    expect(out.trace!.steps.map((s) => [s.step, s.note ?? '', s.outcome ?? '', Object.keys(s.changed).join(',')])).toEqual([
      ['map#0', '', '', 'login,title'],
      ['when#1', 'condition true: steps', '', ''],
      ['when#1/map#0', '', '', 'title'],
      ['normalize#2', '', '', 'title'],
      ['skip#3', '', 'skip', ''],
    ]);
    expect(out.trace!.steps[3].changed.title).toEqual({ before: 'CEO ', after: 'CEO' });
  });
  test('no trace unless asked', async () => {
    expect((await run([{ map: { login: 'a@b.io' } }], {})).trace).toBeUndefined();
  });
});
