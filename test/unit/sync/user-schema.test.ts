/**
 * The org's user schema in a run (src/sync/user-schema.ts): the configuration held against it
 * (attributes the steps set, okta.match attributes, named with step and key path), and the read:
 * kept in the state, a failed read falling back on the last one, else on the base limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OktaError, OktaFatalError } from '../../../src/okta/errors';
import { BASE_USER_SCHEMA, parseUserSchema } from '../../../src/okta/user-schema';
import { StateStore } from '../../../src/state/store';
import { compilePipeline, type Pipeline } from '../../../src/transform';
import { readUserSchema, schemaMismatches, UserSchemaMismatch, userSchemaForRun } from '../../../src/sync/user-schema';
import type { Logger } from '../../../src/util/log';

const SCHEMA = parseUserSchema(
  {
    definitions: {
      base: { properties: Object.fromEntries(['login', 'email', 'firstName', 'lastName', 'costCenter', 'employeeNumber'].map((n) => [n, { type: 'string' }])) },
      custom: { properties: { region: { type: 'string', enum: ['EU', 'US'] } } },
    },
  },
  '2026-07-01T00:00:00.000Z',
);

function pipeline(steps: unknown[]): Pipeline {
  const r = compilePipeline(steps, { baseDir: __dirname });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.pipeline;
}

const STEPS = [
  { name: 'profile', map: { login: '{mail}', email: '{mail}', firstName: '{givenName}', lastName: '{sn}', costCentre: '{departmentNumber}' } },
  { when: { if: "l == 'Paris'", steps: [{ set: { region: 'EU', division: 'FR' } }] } },
  { lookup: { source: { type: 'csv', file: 'x.csv' }, key: '{uid}', column: 'uid', map: { managerId: '{manager}' } } },
];

describe('schemaMismatches', () => {
  test('every attribute a step sets that the schema lacks: the step, the key path, a suggestion', () => {
    const issues = schemaMismatches(SCHEMA, pipeline(STEPS), []);
    expect(issues).toEqual([
      {
        path: ['transforms', 0, 'map', 'costCentre'],
        message:
          "step 'profile' sets 'costCentre', which Okta's user schema does not have (did you mean 'costCenter'?); add it in Okta (Directory › Profile Editor) or map another attribute",
      },
      { path: ['transforms', 1, 'when', 'steps', 0, 'set', 'division'], message: expect.stringContaining("step 'when#1/set#0' sets 'division'") },
      { path: ['transforms', 2, 'lookup', 'map', 'managerId'], message: expect.stringContaining("step 'lookup#2' sets 'managerId'") },
    ]);
  });

  test('okta.match attributes too; nothing is judged without a schema read from the org', () => {
    const ok = pipeline([STEPS[0]]);
    const rules = [{ by: 'login' as const }, { by: 'attribute' as const, attribute: 'employeeNumbr', caseInsensitive: false }];
    expect(schemaMismatches(SCHEMA, pipeline([{ map: { login: '{mail}' } }]), rules)).toEqual([
      { path: ['okta', 'match', 1, 'attribute'], message: "Okta's user schema has no attribute 'employeeNumbr' (did you mean 'employeeNumber'?)" },
    ]);
    expect(schemaMismatches(BASE_USER_SCHEMA, ok, rules)).toEqual([]);
  });
});

describe('readUserSchema / userSchemaForRun', () => {
  let dir: string;
  let state: StateStore;
  const warnings: string[] = [];
  const log: Logger = { error: () => undefined, warn: (m) => warnings.push(m), info: () => undefined, debug: () => undefined };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'user-schema-'));
    state = StateStore.open(join(dir, 'state.db'));
    warnings.length = 0;
  });
  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one read, kept in the state with the time read; a failed read falls back on it, with a warning', async () => {
    let reads = 0;
    const got = await readUserSchema({ oktaClient: { getUserSchema: async () => (reads++, SCHEMA) }, state, log });
    expect([reads, got]).toEqual([1, SCHEMA]);
    expect(state.okta.userSchema()).toEqual(SCHEMA);
    const forbidden = new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', []);
    const fallback = await readUserSchema({ oktaClient: { getUserSchema: () => Promise.reject(forbidden) }, state, log });
    expect(fallback).toEqual(SCHEMA);
    expect(warnings).toEqual([
      expect.stringMatching(/^cannot read Okta's user schema \(Okta 403 E0000006.*\): using the one read at 2026-07-01T00:00:00.000Z$/),
    ]);
  });

  test('no schema ever read: the base limits; a bad token stops the run', async () => {
    const failed = new OktaError(500, 'E0000009', 'Internal Server Error', []);
    expect(await readUserSchema({ oktaClient: { getUserSchema: () => Promise.reject(failed) }, state, log })).toBe(BASE_USER_SCHEMA);
    const auth = new OktaFatalError('auth', 'Okta rejected the API token');
    await expect(readUserSchema({ oktaClient: { getUserSchema: () => Promise.reject(auth) }, state, log })).rejects.toBe(auth);
  });

  test('a read-only state (plan) is not written', async () => {
    state.close();
    state = StateStore.open(join(dir, 'state.db'), { readonly: true });
    await readUserSchema({ oktaClient: { getUserSchema: async () => SCHEMA }, state, log });
    expect(state.okta.userSchema()).toBeUndefined();
  });

  test('a run stops on a mismatch, naming every attribute with its key path', async () => {
    const deps = {
      oktaClient: { getUserSchema: async () => SCHEMA },
      state,
      log,
      pipeline: pipeline([STEPS[0]]),
      okta: { orgUrl: 'https://org.test', match: [] },
    };
    const e = (await userSchemaForRun(deps).catch((x: unknown) => x)) as UserSchemaMismatch;
    expect(e).toBeInstanceOf(UserSchemaMismatch);
    expect(e.message).toBe(
      "Okta's user schema (https://org.test) lacks attributes the configuration maps; nothing was written:\n  transforms[0].map.costCentre: step 'profile' sets 'costCentre', which Okta's user schema does not have (did you mean 'costCenter'?); add it in Okta (Directory › Profile Editor) or map another attribute",
    );
  });
});
