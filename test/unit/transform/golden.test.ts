/**
 * Golden tests: every test/golden/*.yaml holds a steps list and cases (input record → expected
 * outcome). Cases of a file run in order against the same login/unique registries, so duplicate
 * names resolve like in a real run. Format: test/golden/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { compilePipeline, InMemoryLoginRegistry, InMemoryUniqueRegistry, type Finding, type Pipeline, type TransformOutcome } from '../../../src/transform';
import { FUNCTIONS, fnKey } from '../../../src/transform/expr/functions';
import { STEP_KINDS } from '../../../src/transform/schema';
import type { SourceRecord } from '../../../src/directory/types';

const GOLDEN = path.join(__dirname, '../../golden');

interface GoldenCase {
  name: string;
  record: { anchor?: string; dn?: string; disabled?: boolean; attributes?: Record<string, unknown> };
  previous?: { login: string | null; loginSource: string | null };
  expect: {
    kind: 'ok' | 'skip' | 'quarantine';
    profile?: Record<string, unknown>;
    login?: string;
    loginSource?: string | null;
    step?: string;
    reason?: string;
    reasonContains?: string;
    findings?: (Partial<Finding> & { messageContains?: string })[];
  };
}
interface GoldenFile {
  description: string;
  baseDir?: string;
  knownAttributes?: string[];
  now?: string;
  registries?: { logins?: [string, string][]; unique?: [string, string, string][] };
  steps: unknown[];
  cases: GoldenCase[];
}

const files = fs
  .readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const loaded = files.map((f) => ({
  file: f,
  text: fs.readFileSync(path.join(GOLDEN, f), 'utf8'),
  spec: parse(fs.readFileSync(path.join(GOLDEN, f), 'utf8')) as GoldenFile,
}));

function toRecord(c: GoldenCase): SourceRecord {
  const attributes: SourceRecord['attributes'] = {};
  for (const [k, v] of Object.entries(c.record.attributes ?? {})) {
    const list = Array.isArray(v) ? v : [v];
    attributes[k.toLowerCase()] = list.map((x) => {
      if (typeof x === 'string') return x;
      if (typeof x === 'number') return String(x);
      if (x && typeof x === 'object' && 'hex' in x) return Buffer.from(String((x as { hex: string }).hex), 'hex');
      if (x && typeof x === 'object' && 'base64' in x) return Buffer.from(String((x as { base64: string }).base64), 'base64');
      throw new Error(`unsupported attribute value ${JSON.stringify(x)} in case ${c.name}`);
    });
  }
  return {
    anchor: c.record.anchor ?? c.name.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase(),
    dn: c.record.dn ?? `CN=${c.name},OU=Users,DC=corp,DC=example`,
    disabled: c.record.disabled ?? false,
    attributes,
  };
}

function checkOutcome(out: TransformOutcome, e: GoldenCase['expect']): void {
  const shown = JSON.stringify(out, null, 1);
  expect({ kind: out.kind, shown }).toEqual({ kind: e.kind, shown });
  if (out.kind === 'ok') {
    if (e.profile === undefined) throw new Error('an ok case needs an expected profile');
    expect(out.profile).toEqual(e.profile);
    if (e.login !== undefined) expect(out.login).toBe(e.login);
    if (e.loginSource !== undefined) expect(out.loginSource).toBe(e.loginSource);
  } else {
    if (e.step !== undefined) expect(out.step).toBe(e.step);
    if (e.reason !== undefined) expect(out.reason).toBe(e.reason);
    if (e.reasonContains !== undefined) expect(out.reason).toContain(e.reasonContains);
    if (e.step === undefined) throw new Error('a skip/quarantine case needs the expected step');
  }
  const want = e.findings ?? [];
  expect(out.findings.map((f) => f.type)).toEqual(want.map((f) => f.type));
  want.forEach((w, i) => {
    const got = out.findings[i];
    const { messageContains, ...fields } = w;
    expect(got).toMatchObject(fields);
    if (messageContains !== undefined) expect(got.message ?? '').toContain(messageContains);
  });
}

describe.each(loaded)('golden $file', ({ file, spec }) => {
  let pipeline: Pipeline;
  const logins = new InMemoryLoginRegistry(spec.registries?.logins ?? []);
  const unique = new InMemoryUniqueRegistry(spec.registries?.unique ?? []);
  const now = new Date(spec.now ?? '2025-01-15T10:00:00Z');

  beforeAll(async () => {
    const r = compilePipeline(spec.steps, {
      baseDir: spec.baseDir ? path.resolve(GOLDEN, spec.baseDir) : GOLDEN,
      knownAttributes: spec.knownAttributes,
    });
    if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors, null, 1)}`);
    pipeline = r.pipeline;
    await pipeline.beginRun();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  test.each(spec.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = await pipeline.run(toRecord(c), { now, logins, unique, previous: c.previous ?? null });
    checkOutcome(out, c.expect);
  });
});

describe('golden coverage', () => {
  const all = loaded.map((l) => l.text).join('\n');
  test('at least 40 cases', () => {
    expect(loaded.reduce((n, l) => n + l.spec.cases.length, 0)).toBeGreaterThanOrEqual(40);
  });
  test('every function is used by some golden file', () => {
    const used = new Set([...all.matchAll(/([A-Za-z][A-Za-z0-9_-]*)\s*\(|\|\s*([A-Za-z][A-Za-z0-9_-]*)/g)].map((m) => fnKey(m[1] ?? m[2])));
    const missing = [...FUNCTIONS.keys()].filter((k) => !used.has(k));
    expect(missing).toEqual([]);
  });
  test('every step kind is used by some golden file', () => {
    const missing = STEP_KINDS.filter((k) => !new RegExp(`^\\s*-?\\s*${k}:`, 'm').test(all));
    expect(missing).toEqual([]);
  });
  test('every outcome kind is expected somewhere', () => {
    for (const k of ['ok', 'skip', 'quarantine']) expect(all).toContain(`kind: ${k}`);
  });
});
