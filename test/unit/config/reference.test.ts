/**
 * docs/configuration.md is generated from the schema (`npm run docs`); this test fails when the
 * file is stale, and checks that the generator leaves no option out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../../../src/config/reference';
import { configJsonSchema } from '../../../src/config/schema';

const FILE = join(__dirname, '..', '..', '..', 'docs', 'configuration.md');

type JsonSchema = { properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; items?: JsonSchema; $ref?: string };

test('docs/configuration.md is what the schema generates (run `npm run docs` after changing the schema)', () => {
  const current = readFileSync(FILE, 'utf8');
  const fresh = configReference();
  if (current !== fresh) throw new Error('docs/configuration.md is stale: run `npm run docs` and commit the result');
  expect(current).toBe(fresh);
});

test('every option of the schema has a row with its key path (transform steps and unions included)', () => {
  const schema = configJsonSchema() as JsonSchema & { $defs: Record<string, JsonSchema> };
  const keys = new Set<string>();
  const seen = new Set<string>();
  const walk = (raw: JsonSchema, prefix: string) => {
    if (raw.$ref) {
      if (seen.has(raw.$ref)) return;
      seen.add(raw.$ref);
    }
    const s = raw.$ref ? schema.$defs[raw.$ref.replace('#/$defs/', '')] : raw;
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(alt, prefix);
    if (s.items) walk(s.items, `${prefix}[]`);
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      const path = prefix ? `${prefix}.${k}` : k;
      keys.add(path);
      walk(v, path);
    }
  };
  walk(schema, '');
  const text = configReference();
  expect(keys.size).toBeGreaterThan(100);
  const missing = [...keys].filter((k) => !text.includes(`| \`${k}\` |`) && !text.includes(`## \`${k}\``));
  expect(missing).toEqual([]);
});
