/**
 * A small agent setup on an LDIF file (no directory server): people as LDIF text, and a config file
 * that reads them and writes to a given Okta (usually the simulator), its state in the scenario's
 * directory. For tests about the command line, the state and Okta, where slapd would only cost time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oktaYaml, type scenarioDir } from './agent';
import { transformsYaml } from './fixtures';

/** `n` inetOrgPersons under ou=people,dc=example,dc=com, with entryUUIDs, as LDIF text. */
export function peopleLdif(n: number, opts: { prefix?: string; extra?: (i: number) => string[] } = {}): string {
  const p = opts.prefix ?? 'p';
  const out = ['version: 1', ''];
  for (let i = 0; i < n; i++) {
    out.push(
      `dn: uid=${p}${i},ou=people,dc=example,dc=com`,
      'objectClass: inetOrgPerson',
      `uid: ${p}${i}`,
      `cn: Person ${i}`,
      'sn: Tester',
      'givenName: Pat',
      `mail: ${p}${i}@example.com`,
      `entryUUID: 6b3b9c1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ...(opts.extra?.(i) ?? []),
      '',
    );
  }
  return out.join('\n');
}

export interface LdifAgentOptions {
  okta: { url: string; token: string; extra?: string };
  /** LDIF text (default: 5 people). */
  ldif?: string;
  /** The `transforms:` section (default: test/fixtures/transform/mail-login.yaml). */
  transforms?: string;
  /** Extra top-level YAML appended to the file. */
  extra?: string;
  /** The source's users: attributes (default uid, givenName, sn, mail). */
  attributes?: string[];
  statePath?: string;
}

/** Writes `<name>/directory.ldif` and `<name>.yaml` in the scenario directory; returns the config file. */
export function ldifAgentConfig(env: ReturnType<typeof scenarioDir>, name: string, o: LdifAgentOptions): { file: string; dir: string; statePath: string } {
  const dir = join(env.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'directory.ldif'), o.ldif ?? peopleLdif(5));
  const statePath = o.statePath ?? join(dir, 'state.db');
  const attributes = o.attributes ?? ['uid', 'givenName', 'sn', 'mail'];
  const file = env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${join(dir, 'directory.ldif')}\n  users:\n    attributes: [${attributes.join(', ')}]`,
      oktaYaml({ url: o.okta.url, token: o.okta.token, extra: o.okta.extra }),
      o.transforms ?? transformsYaml('mail-login'),
      `state:\n  path: ${statePath}`,
      'log:\n  format: json',
      o.extra ?? '',
    ].join('\n'),
  );
  return { file, dir, statePath };
}
