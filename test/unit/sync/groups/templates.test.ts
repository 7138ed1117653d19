import type { SourceGroup } from '../../../../src/directory/source';
import { checkGroupsConfig, compileGroupTemplates, groupTemplateSources, nameGroup } from '../../../../src/sync/groups/templates';

const NOW = '2026-03-01T00:00:00.000Z';

function cfg(over: { name?: string; description?: string; attributes?: string[] } = {}) {
  return {
    baseDns: ['ou=groups,dc=x'],
    scope: 'sub' as const,
    attributes: over.attributes ?? ['cn', 'description'],
    name: over.name,
    description: over.description,
    nested: 'flatten' as const,
  };
}

function group(attrs: Record<string, string[]>, dn = 'cn=Sales,ou=groups,dc=x'): SourceGroup {
  return { anchor: 'g-1', dn, attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k.toLowerCase(), v])), members: [] };
}

function name(over: Parameters<typeof cfg>[0], attrs: Record<string, string[]>, dn?: string) {
  const c = compileGroupTemplates(cfg(over));
  expect(c.issues).toEqual([]);
  return nameGroup(c.templates, group(attrs, dn), NOW);
}

describe('group name templates', () => {
  test('the default templates: cn and description', () => {
    expect(name({}, { cn: ['Sales'], description: ['The sales team'] })).toEqual({ ok: true, name: 'Sales', description: 'The sales team' });
  });

  test('no description attribute: the description is null, the group is fine', () => {
    expect(name({}, { cn: ['Sales'] })).toEqual({ ok: true, name: 'Sales', description: null });
  });

  test('a prefix and functions', () => {
    expect(name({ name: 'AD {cn | upper}' }, { cn: ['Sales'] })).toEqual({ ok: true, name: 'AD SALES', description: null });
  });

  test('$dn is available: the parent OU in the name', () => {
    expect(name({ name: "{first(dnvalues($dn, 'OU'))}-{cn}" }, { cn: ['Sales'] }, 'CN=Sales,OU=Emea,DC=x')).toMatchObject({ ok: true, name: 'Emea-Sales' });
  });

  test('a name that is missing quarantines the group, with the template in the reason', () => {
    const r = name({ name: 'AD {cn}' }, {});
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('"AD {cn}" gives no value') });
  });

  test('a blank name is no name', () => {
    expect(name({}, { cn: ['   '] })).toMatchObject({ ok: false });
  });

  test('a name longer than 255 characters is refused, not truncated', () => {
    expect(name({}, { cn: ['x'.repeat(256)] })).toMatchObject({ ok: false, reason: expect.stringContaining('255') });
    expect(name({}, { cn: ['x'.repeat(255)] })).toMatchObject({ ok: true });
  });

  test('a description longer than 1,024 characters is refused', () => {
    expect(name({}, { cn: ['Sales'], description: ['d'.repeat(1025)] })).toMatchObject({ ok: false, reason: expect.stringContaining('1024') });
  });
});

describe('checkGroupsConfig (config validate)', () => {
  test('no groups section, or good templates: no issues', () => {
    expect(checkGroupsConfig(undefined)).toEqual([]);
    expect(checkGroupsConfig(cfg({ name: 'AD {cn | lower}' }))).toEqual([]);
  });

  test('an unknown function is reported at groups.name with a suggestion', () => {
    const issues = checkGroupsConfig(cfg({ name: '{lowr(cn)}' }));
    expect(issues).toEqual([{ path: ['groups', 'name'], message: expect.stringContaining("unknown function 'lowr' (did you mean 'lower'?)") }]);
  });

  test('an attribute not in groups.attributes is reported at groups.description', () => {
    const issues = checkGroupsConfig(cfg({ description: '{info}' }));
    expect(issues).toEqual([{ path: ['groups', 'description'], message: expect.stringContaining("attribute 'info' is not in source attributes") }]);
  });

  test('a syntax error is reported with its column', () => {
    const issues = checkGroupsConfig(cfg({ name: 'AD {cn' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: ['groups', 'name'], message: expect.stringContaining('at column') });
  });

  test('a multi-valued name is refused', () => {
    const issues = checkGroupsConfig(cfg({ name: '{cn[]}' }));
    expect(issues).toEqual([{ path: ['groups', 'name'], message: expect.stringContaining('multi-valued') }]);
  });

  test('both templates wrong: both reported at once', () => {
    expect(checkGroupsConfig(cfg({ name: '{nope}', description: '{lowr(cn)}' })).map((i) => i.path.join('.'))).toEqual(['groups.name', 'groups.description']);
  });
});

describe('the default templates', () => {
  test('description among the attributes: the default description is {description}', () => {
    expect(groupTemplateSources(cfg())).toEqual({ name: '{cn}', description: '{description}' });
    expect(groupTemplateSources(cfg({ attributes: ['cn', 'Description'] })).description).toBe('{description}');
  });

  test('attributes without description and no description template: no issue, and no description', () => {
    const c = cfg({ attributes: ['cn', 'info'] });
    expect(checkGroupsConfig(c)).toEqual([]);
    expect(groupTemplateSources(c).description).toBeNull();
    const compiled = compileGroupTemplates(c);
    expect(nameGroup(compiled.templates, group({ cn: ['Sales'], info: ['x'], description: ['not read'] }), NOW)).toEqual({
      ok: true,
      name: 'Sales',
      description: null,
    });
  });

  test('an explicit description template is checked as written, also the default text', () => {
    expect(checkGroupsConfig(cfg({ attributes: ['cn'], description: '{description}' }))).toEqual([
      { path: ['groups', 'description'], message: expect.stringContaining("attribute 'description' is not in source attributes") },
    ]);
    expect(checkGroupsConfig(cfg({ attributes: ['cn', 'info'], description: '{info}' }))).toEqual([]);
  });

  test('the default name without cn among the attributes: one issue that says what the default is and how to fix it', () => {
    expect(checkGroupsConfig(cfg({ attributes: ['name'] }))).toEqual([
      {
        path: ['groups', 'name'],
        message: 'the default name template "{cn}" reads cn, which is not in groups.attributes (name): add cn to groups.attributes, or set groups.name',
      },
    ]);
    expect(checkGroupsConfig(cfg({ attributes: ['name'], name: '{name}' }))).toEqual([]);
  });
});
