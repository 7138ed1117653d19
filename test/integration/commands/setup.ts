/**
 * A small hand-made directory for `explain` and `quarantine`, one OU per test file on its own slapd,
 * the Okta simulator, and a config that quarantines records for several reasons: a missing e-mail
 * (validate), a hook that holds people whose description says so (the reason is the description,
 * a directory value: `=HYPERLINK(…)`, `+1+1`, `-2+3`, `@SUM(…)` test the CSV's formula guard).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { startSlapd, type SlapdServer } from '../../harness';
import { escapeDnValue, type LdapEntry } from '../../harness/ldif';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../../helpers/agent';

export const BASE = 'dc=example,dc=com';

export interface Fixture {
  ldap: SlapdServer;
  sim: OktaSimulator;
  ou: string;
  dn: (cn: string) => string;
  config: string;
  state: string;
  hashState(): string;
  stateStore(): StateStore;
  close(): Promise<void>;
}

export const FORMULAS = ['=HYPERLINK("http://evil.example/","fix me")', '+1+1', '-2+3', '@SUM(1+1)'];

const TRANSFORMS = `
transforms:
  - name: attributes
    map:
      firstName: "{givenName}"
      lastName: "{sn}"
      email: "{mail}"
      primaryPhone: "{telephoneNumber}"
      title: "{title | collapse}"
  - name: clean
    normalize:
      email: { attributes: [email], invalid: drop }
      phone: { attributes: [primaryPhone], region: US, invalid: drop }
  - name: checks
    validate:
      required: [firstName, lastName, email]
  - name: login
    username:
      templates: ["{profile.email}", "{uid}@example.com"]
  - name: holds
    hook: { module: hold.js, timeoutMs: 5000 }
`;

const HOOK = `module.exports = (record) => {
  const type = (record.attributes.employeetype || [])[0];
  if (type === 'hold') return { quarantine: String((record.attributes.description || ['held'])[0]) };
  return record;
};
`;

export async function startFixture(name: string): Promise<Fixture> {
  const ou = `ou=${name},${BASE}`;
  const dn = (cn: string) => `cn=${escapeDnValue(cn)},${ou}`;
  const person = (cn: string, uid: string, attrs: Record<string, string> = {}): LdapEntry => ({
    dn: dn(cn),
    attributes: {
      objectClass: ['inetOrgPerson'],
      cn,
      uid,
      givenName: cn.split(' ')[0],
      sn: cn.split(' ').slice(-1)[0],
      mail: `${uid}@example.com`,
      ...attrs,
    },
  });
  const noMail = person('Bob Baker', 'bbaker');
  delete (noMail.attributes as Record<string, unknown>).mail;
  const entries: LdapEntry[] = [
    { dn: ou, attributes: { objectClass: ['organizationalUnit'], ou: name } },
    person('Alice Archer', 'aarcher', { mail: 'Alice.Archer@Example.com', telephoneNumber: '(415) 555-0101', title: '  Senior   Engineer ' }),
    noMail,
    person('Carol Clark', 'cclark', { title: 'Analyst' }),
    person('Dave Dunn', 'ddunn', { title: 'Manager' }),
    { ...person('Pat Smith', 'psmith1'), dn: `uid=psmith1,${ou}` },
    { ...person('Pat Smith', 'psmith2'), dn: `uid=psmith2,${ou}` },
    ...FORMULAS.map((f, i) => person(`Hold, Number ${i + 1}`, `hold${i + 1}`, { employeeType: 'hold', description: f })),
  ];
  const ldap = await startSlapd({ seed: entries });
  const sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  const env = scenarioDir(name);
  const state = join(env.dir, 'state.db');
  env.file('hold.js', HOOK);
  const config = env.file(
    'config.yaml',
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [ou],
        attributes: ['uid', 'cn', 'givenName', 'sn', 'mail', 'telephoneNumber', 'title', 'employeeType', 'description'],
      }),
      oktaYaml({ url: sim.url, token: sim.token }),
      TRANSFORMS,
      `state:\n  path: ${state}`,
    ].join('\n'),
  );
  return {
    ldap,
    sim,
    ou,
    dn,
    config,
    state,
    hashState: () => createHash('sha256').update(readFileSync(state)).digest('hex'),
    stateStore: () => StateStore.open(state, { readonly: true }),
    async close() {
      await sim.close();
      await ldap.stop();
      env.cleanup();
      cleanupEnv();
    },
  };
}
