/**
 * The `groups:` section as a sysadmin writes it, through `config validate`: the default description
 * template applies only when `description` is among the attributes; member attributes are names,
 * without range options.
 */
import { cleanupEnv, cli, ldapSourceYaml, oktaYaml, scenarioDir } from '../../../helpers/agent';
import { transformsYaml } from '../../../helpers/fixtures';

const env = scenarioDir('groups-config');
afterAll(() => {
  env.cleanup();
  cleanupEnv();
});

let n = 0;
function configWith(groupsYaml: string): string {
  const text = [
    ldapSourceYaml({
      url: 'ldap://127.0.0.1:1',
      bindDn: 'cn=svc,dc=x',
      password: 'p',
      baseDns: ['ou=people,dc=x'],
      attributes: ['uid', 'mail', 'givenName', 'sn'],
    }),
    oktaYaml({ url: 'https://example.okta.com', token: 't' }),
    transformsYaml('mail-login'),
    `state:\n  path: ${env.dir}/state.db`,
    'groups:',
    '  baseDns: ["ou=groups,dc=x"]',
    groupsYaml,
  ].join('\n');
  return env.file(`config-${++n}.yaml`, text);
}

const validate = (groupsYaml: string) => cli('config', 'validate', '-c', configWith(groupsYaml));

describe('groups.description default', () => {
  test('attributes without description and no description template: the configuration is valid', async () => {
    const r = await validate('  attributes: [cn, info]');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  test('the default attributes and templates are valid', async () => {
    expect((await validate('  scope: sub')).code).toBe(0);
  });

  test('an explicit template reading an attribute that is not listed is still an error', async () => {
    const r = await validate('  attributes: [cn]\n  description: "{description}"');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/groups\.description: .*attribute 'description' is not in source attributes/);
  });

  test('the default name without cn among the attributes: an error that names the default', async () => {
    const r = await validate('  attributes: [name]');
    expect(r.code).toBe(3);
    expect(r.err).toContain('groups.name: the default name template "{cn}" reads cn, which is not in groups.attributes (name)');
  });
});

describe('groups.memberAttributes', () => {
  test('a ranged attribute name is refused, saying that the reader asks for ranges itself', async () => {
    const r = await validate('  memberAttributes: ["member;range=0-1499"]');
    expect(r.code).toBe(3);
    expect(r.err).toContain('groups.memberAttributes[0]: "member;range=0-1499": list the attribute without a range (member)');
  });

  test('a range given in another case, or after another option, is refused too', async () => {
    for (const a of ['member;Range=0-*', 'member;binary;range=1500-*']) {
      const r = await validate(`  memberAttributes: ["${a}"]`);
      expect(r.code).toBe(3);
      expect(r.err).toContain('without a range');
    }
  });

  test('other attribute options and non-names are refused with their own message', async () => {
    const opt = await validate('  memberAttributes: [member, "uniqueMember;x-tag"]');
    expect(opt.code).toBe(3);
    expect(opt.err).toContain('groups.memberAttributes[1]: "uniqueMember;x-tag": attribute options (;x-tag) are not supported here');
    const bad = await validate('  memberAttributes: ["member of"]');
    expect(bad.err).toContain('"member of" is not an LDAP attribute name');
    const none = await validate('  memberAttributes: []');
    expect(none.err).toContain('list at least one attribute');
  });

  test('attribute names (any case) and OIDs are fine', async () => {
    expect((await validate('  memberAttributes: [member, uniqueMember, 2.5.4.31]')).code).toBe(0);
  });
});
