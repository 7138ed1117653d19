/**
 * config/example.yaml documents every option: each key of the schema (outside `transforms`, which
 * has its own reference) appears in it, live or commented out, and the file itself is valid.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJsonSchema } from '../../../src/config/schema';
import { parseConfigText } from '../../../src/config/load';

const EXAMPLE = join(__dirname, '..', '..', '..', 'config', 'example.yaml');

type JsonSchema = { properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; items?: JsonSchema; default?: unknown };

function keys(schema: JsonSchema, prefix: string, out: Set<string>): void {
  for (const alt of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) keys(alt, prefix, out);
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (path === 'transforms') continue;
    out.add(path);
    keys(v, path, out);
  }
}

test('every configuration key is documented in config/example.yaml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const all = new Set<string>();
  keys(configJsonSchema() as JsonSchema, '', all);
  expect(all.size).toBeGreaterThan(30);
  const missing = [...all].filter((path) => {
    const leaf = path.split('.').pop()!;
    return !new RegExp(`(^|[\\s{,#])${leaf}:`, 'm').test(text);
  });
  expect(missing).toEqual([]);
});

test('config/example.yaml is a valid configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'example-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  // the secrets where a command run by hand finds them: credentials/ beside the configuration file
  mkdirSync(join(dir, 'credentials'));
  writeFileSync(join(dir, 'credentials', 'ldap-bind-password'), 'x\n');
  writeFileSync(join(dir, 'credentials', 'okta-api-token'), 'y\n');
  const text = readFileSync(EXAMPLE, 'utf8').replace('/etc/ssl/certs/corp-ca.pem', ca);
  const { config } = parseConfigText(text, join(dir, 'config.yaml'));
  expect(config.source.type).toBe('ldap');
  expect(config.source.type === 'ldap' && config.source.bindPassword.reveal()).toBe('x');
  expect(config.okta.token.reveal()).toBe('y');
  expect(config.okta.match).toEqual([{ by: 'login' }, { by: 'email' }, { by: 'attribute', attribute: 'employeeNumber', caseInsensitive: false }]);
  expect(config.transforms.length).toBeGreaterThan(0);
});
