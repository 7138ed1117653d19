#!/usr/bin/env node
/**
 * Dev-time extractor: copies the parts of Okta's official management OpenAPI spec that the Okta
 * simulator implements into `test/fixtures/okta-openapi/users-groups.openapi.json`.
 *
 * Nothing under src/ or test/ reads the full spec at run time; tests read only the fixture written here.
 *
 * Usage:
 *   node scripts/extract-okta-openapi.mjs [path/to/management-minimal.yaml] [out.json]
 * Defaults: ../shared/okta/management-minimal-2026.06.3.yaml (relative to the repo root, i.e. /work/shared)
 * and test/fixtures/okta-openapi/users-groups.openapi.json.
 *
 * What is kept:
 * - the selected operations (path + method), with their parameters, request bodies and responses;
 * - every component they reference, transitively (schemas, responses, parameters, request bodies, headers);
 * - `components/schemas/Error` (always, for validating undocumented error statuses such as 401);
 * - the example error bodies the tests compare against (components/examples/Error*).
 * Example payloads elsewhere are dropped (they are large and not needed for validation).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = resolve(process.argv[2] ?? resolve(repoRoot, '../shared/okta/management-minimal-2026.06.3.yaml'));
const outPath = resolve(process.argv[3] ?? resolve(repoRoot, 'test/fixtures/okta-openapi/users-groups.openapi.json'));

/** Operations the simulator implements: spec path → methods. */
const OPERATIONS = {
  '/.well-known/okta-organization': ['get'],
  '/api/v1/users': ['get', 'post'],
  '/api/v1/users/{id}': ['get', 'post', 'put', 'delete'],
  '/api/v1/users/{id}/groups': ['get'],
  '/api/v1/users/{id}/lifecycle/activate': ['post'],
  '/api/v1/users/{id}/lifecycle/deactivate': ['post'],
  '/api/v1/users/{id}/lifecycle/reactivate': ['post'],
  '/api/v1/users/{id}/lifecycle/suspend': ['post'],
  '/api/v1/users/{id}/lifecycle/unsuspend': ['post'],
  '/api/v1/users/{id}/lifecycle/unlock': ['post'],
  '/api/v1/groups': ['get', 'post'],
  '/api/v1/groups/{groupId}': ['get', 'put', 'delete'],
  '/api/v1/groups/{groupId}/users': ['get'],
  '/api/v1/groups/{groupId}/users/{userId}': ['put', 'delete'],
  '/api/v1/meta/schemas/user/{schemaId}': ['get', 'post'],
};

/** Error example bodies kept for reference comparisons in tests. */
const ERROR_EXAMPLES = [
  'ErrorApiValidationFailed',
  'ErrorAccessDenied',
  'ErrorResourceNotFound',
  'ErrorTooManyRequests',
  'ErrorInvalidTokenProvided',
  'ErrorInternalServer',
  'ErrorCreateUserWithTooManyManyGroupsResponse',
];

const raw = readFileSync(specPath);
const sha256 = createHash('sha256').update(raw).digest('hex');
const spec = YAML.parse(raw.toString('utf8'), { maxAliasCount: -1 });

/** Remove `examples`/`example` payloads (not schemas' own `example` keyword inside properties: harmless either way). */
function stripExamples(node) {
  if (Array.isArray(node)) return node.map(stripExamples);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'examples' || k === 'example') continue;
    out[k] = stripExamples(v);
  }
  return out;
}

const wanted = { schemas: new Set(['Error', 'ErrorCause']), responses: new Set(), parameters: new Set(), requestBodies: new Set(), headers: new Set() };

function collectRefs(node) {
  if (Array.isArray(node)) {
    node.forEach(collectRefs);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = /^#\/components\/(schemas|responses|parameters|requestBodies|headers)\/(.+)$/.exec(v);
      if (!m) throw new Error(`unsupported $ref ${v}`);
      const [, kind, name] = m;
      if (!wanted[kind].has(name)) {
        wanted[kind].add(name);
        const target = spec.components[kind]?.[name];
        if (target === undefined) throw new Error(`dangling $ref ${v}`);
        collectRefs(stripExamples(target));
      }
    } else {
      collectRefs(v);
    }
  }
}

const paths = {};
for (const [path, methods] of Object.entries(OPERATIONS)) {
  const item = spec.paths[path];
  if (!item) throw new Error(`path ${path} not in spec`);
  const outItem = {};
  if (item.parameters) outItem.parameters = stripExamples(item.parameters);
  for (const method of methods) {
    if (!item[method]) throw new Error(`${method.toUpperCase()} ${path} not in spec`);
    const op = stripExamples(item[method]);
    delete op.description;
    outItem[method] = op;
  }
  collectRefs(outItem);
  paths[path] = outItem;
}
for (const name of ['Error', 'ErrorCause']) collectRefs(spec.components.schemas[name]);

const components = {};
for (const [kind, names] of Object.entries(wanted)) {
  if (names.size === 0) continue;
  components[kind] = {};
  for (const name of [...names].sort()) components[kind][name] = stripExamples(spec.components[kind][name]);
}
components.examples = {};
for (const name of ERROR_EXAMPLES) {
  const ex = spec.components.examples?.[name];
  if (!ex) throw new Error(`example ${name} not in spec`);
  components.examples[name] = ex;
}

const fixture = {
  'x-extracted-from': {
    file: 'management-minimal-2026.06.3.yaml',
    source: 'github.com/okta/okta-management-openapi-spec dist/current/management-minimal.yaml',
    sha256,
    infoVersion: spec.info?.version,
    extractedBy: 'scripts/extract-okta-openapi.mjs',
  },
  openapi: spec.openapi,
  info: { title: spec.info?.title, version: spec.info?.version },
  paths,
  components,
};

mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify(fixture, null, 1) + '\n');
const counts = Object.fromEntries(Object.entries(components).map(([k, v]) => [k, Object.keys(v).length]));
console.log(
  `wrote ${outPath}: ${Object.keys(paths).length} paths, components ${JSON.stringify(counts)}, spec ${spec.info?.version} sha256 ${sha256.slice(0, 12)}…`,
);
