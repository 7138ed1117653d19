import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { transformsSchema } from '../../../src/transform/schema';
import type { Profile } from '../../../src/okta/profile';
import { diffProfiles } from '../../../src/sync/plan/plan';
import { compileOk, ctx, rec } from './helpers';

describe('transforms schema', () => {
  const json = z.toJSONSchema(transformsSchema, { io: 'input' }) as Record<string, unknown>;

  test('generates a JSON schema in which every property is described', () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const props = n.properties as Record<string, Record<string, unknown>> | undefined;
      if (props) {
        for (const [k, v] of Object.entries(props)) {
          const described = typeof v.description === 'string' || typeof v.$ref === 'string';
          if (!described) undocumented.push(`${where}.${k}`);
          walk(v, `${where}.${k}`);
        }
      }
      for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', '$defs']) {
        const child = n[key];
        if (Array.isArray(child)) child.forEach((c, i) => walk(c, `${where}.${key}[${i}]`));
        else if (child && typeof child === 'object') {
          if (key === '$defs') for (const [dk, dv] of Object.entries(child)) walk(dv, `$defs.${dk}`);
          else walk(child, `${where}.${key}`);
        }
      }
    };
    walk(json, '');
    expect(undocumented).toEqual([]);
  });

  test('objects are strict (additionalProperties false) and defaults are in the schema', () => {
    const text = JSON.stringify(json);
    expect(text).toContain('"additionalProperties":false');
    const parsed = transformsSchema.parse([{ username: { templates: ['{uid}@x.io'] } }, { hook: { module: 'h.js' } }]);
    expect(parsed[0].username).toEqual({ templates: ['{uid}@x.io'], attribute: 'login', suffix: { start: 2, max: 99, separator: '' } });
    expect(parsed[1].hook).toEqual({ module: 'h.js', export: 'default', timeoutMs: 1000, memoryMb: 256 });
  });
});

describe('no JavaScript evaluation of configuration', () => {
  const root = path.join(__dirname, '../../../src/transform');
  const files: string[] = [];
  const collect = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) collect(p);
      else if (p.endsWith('.ts') || p.endsWith('.js')) files.push(p);
    }
  };
  collect(root);

  test('no eval, new Function, vm or eval worker anywhere in src/transform (the hook worker is a module file)', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const src = fs
        .readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      if (/\beval\s*\(|new\s+Function\s*\(|require\(['"](node:)?vm['"]\)|from ['"](node:)?vm['"]/.test(src)) offenders.push(path.relative(root, f));
      if (/eval:\s*true/.test(src)) offenders.push(path.relative(root, f) + ' (eval worker)');
    }
    expect(files.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});

describe('issue 9 item 3: no attribute name reads an inherited value (profiles inherit nothing)', () => {
  test('map targets named like Object.prototype members are plain attributes: traced from nothing, no inherited value anywhere', async () => {
    const p = compileOk([{ map: { login: '{uid}@x.test', toString: '{uid}', valueOf: '{cn}' } }, { set: { hasOwnProperty: 'x' } }]);
    const o = await p.run(rec({ uid: 'ann', cn: 'Ann' }), ctx(), { trace: true });
    expect(o.kind).toBe('ok');
    if (o.kind !== 'ok') return;
    expect(o.trace!.steps[0].changed).toEqual({
      login: { before: undefined, after: 'ann@x.test' },
      toString: { before: undefined, after: 'ann' },
      valueOf: { before: undefined, after: 'Ann' },
    });
    expect(o.trace!.steps[1].changed).toEqual({ hasOwnProperty: { before: undefined, after: 'x' } });
    for (const profile of [o.profile, o.trace!.steps[0].profile]) {
      expect('constructor' in profile).toBe(false);
      expect('isPrototypeOf' in profile).toBe(false);
      expect((profile as Record<string, unknown>).constructor).toBeUndefined();
    }
  });

  test('the plan compares an attribute named like an Object.prototype member as any other', () => {
    expect(diffProfiles({ login: 'a@x.test' }, { login: 'a@x.test', toString: 'x' })).toEqual([{ attribute: 'toString', before: undefined, after: 'x' }]);
    expect(diffProfiles({ login: 'a@x.test' }, { login: 'a@x.test' })).toEqual([]);
    expect(diffProfiles(JSON.parse('{"login":"a@x.test","valueOf":"v"}') as Profile, { login: 'a@x.test', valueOf: 'v' })).toEqual([]);
  });
});
