/**
 * Issue 9, the state file, with the CLI as a process: only a missing file is a first run; an empty,
 * truncated or foreign file is a configuration error (exit 3) that names the file and what to do; a
 * damaged file, an unwritable directory and a path whose parent is a file exit 12 with a clear
 * message and no stack (unless --debug); an existing state file readable by others is tightened.
 */
import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, FAST_LIMITS, scenarioDir, sync } from '../../helpers/agent';
import { ldifAgentConfig } from '../../helpers/ldif-scenario';
import { runAgent, STACK_FRAME, type RunAs } from '../../helpers/process';

let sim: OktaSimulator;
const env = scenarioDir('bad-input-state');
/** A state file of a finished sync of the 5 people (WAL checkpointed into the file). */
let goodState: string;

const run = (args: string[], as?: RunAs) => runAgent(args, {}, as);

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  const { file, statePath } = ldifAgentConfig(env, 'good', { okta: sim });
  expect((await sync(file)).code).toBe(0);
  goodState = statePath;
  expect(existsSync(`${goodState}-wal`)).toBe(false);
}, 60_000);
afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

/** A config whose state file is `prepare`d first; the simulator's users stay as the good sync left them. */
function withState(name: string, prepare: (path: string) => void): { file: string; statePath: string } {
  const cfg = ldifAgentConfig(env, name, { okta: sim });
  prepare(cfg.statePath);
  return cfg;
}

test('item 4: a 0-byte state file is not a first run: sync, plan and status exit 3 with the path and what to do; nothing written', async () => {
  const { file, statePath } = withState('empty', (p) => writeFileSync(p, ''));
  const writesBefore = sim.requests.writes().length;
  for (const cmd of ['sync', 'plan', 'status']) {
    const r = await run([cmd, '-c', file]);
    expect([cmd, r.code]).toEqual([cmd, EXIT.CONFIG]);
    expect(r.all).toContain(statePath);
    expect(r.all).toMatch(/empty \(0 bytes\)/);
    expect(r.all).toMatch(/restore .*backup|move it away/i);
    expect(r.all).not.toMatch(STACK_FRAME);
  }
  expect(statSync(statePath).size).toBe(0);
  expect(sim.requests.writes().length).toBe(writesBefore);
});

test('item 4: a truncated state file and a foreign SQLite file exit 3; the foreign file gets none of our tables', async () => {
  const truncated = withState('truncated', (p) => {
    copyFileSync(goodState, p);
    truncateSync(p, Math.floor(statSync(p).size / 2));
  });
  const t = await run(['sync', '-c', truncated.file]);
  expect(t.code).toBe(EXIT.CONFIG);
  expect(t.all).toContain(truncated.statePath);
  expect(t.all).toMatch(/truncated/);

  const foreign = withState('foreign', (p) => {
    const db = new Database(p);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)');
    db.close();
  });
  const f = await run(['sync', '-c', foreign.file]);
  expect(f.code).toBe(EXIT.CONFIG);
  expect(f.all).toContain(foreign.statePath);
  expect(f.all).toMatch(/not this agent's state.*invoices/);
  const db = new Database(foreign.statePath, { readonly: true });
  expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['invoices']);
  db.close();
});

test('item 4: a missing state file is a first run', async () => {
  const { file, statePath } = ldifAgentConfig(env, 'missing', { okta: sim, ldif: '' });
  expect(existsSync(statePath)).toBe(false);
  const r = await run(['sync', '-c', file]);
  expect(r.code).toBe(EXIT.OK);
  expect(existsSync(statePath)).toBe(true);
});

test('item 5: a damaged state file exits 12 with a clear message and no stack; --debug adds the stack', async () => {
  const { file } = withState('damaged', (p) => {
    copyFileSync(goodState, p);
    // every page after the first (the header and the schema survive) overwritten with garbage
    const size = statSync(p).size;
    const fd = openSync(p, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
  });
  const r = await run(['sync', '-c', file]);
  expect(r.code).toBe(EXIT.STATE);
  expect(r.all).toMatch(/damaged/);
  expect(r.all).toMatch(/backup/);
  expect(r.all).not.toMatch(STACK_FRAME);
  const debug = await run(['sync', '-c', file, '--debug']);
  expect(debug.code).toBe(EXIT.STATE);
  expect(debug.all).toMatch(STACK_FRAME);
});

test('item 5: a state directory the agent cannot write exits 12 naming the directory', async () => {
  // root ignores directory permissions: the agent runs without that privilege (RunAs)
  const { file, statePath } = ldifAgentConfig(env, 'unwritable', { okta: sim, statePath: join(env.dir, 'locked', 'state', 'state.db') });
  mkdirSync(join(env.dir, 'locked'), { mode: 0o555 });
  chmodSync(join(env.dir, 'locked'), 0o555);
  const r = await run(['sync', '-c', file], { unprivileged: true });
  expect(r.code).toBe(EXIT.STATE);
  expect(r.all).toContain(join(env.dir, 'locked'));
  expect(r.all).toMatch(/permission denied/);
  expect(r.all).not.toMatch(STACK_FRAME);
  expect(existsSync(statePath)).toBe(false);
});

test('item 5: a state path whose parent is a file exits 12 and says so', async () => {
  writeFileSync(join(env.dir, 'not-a-dir'), 'x');
  const { file } = ldifAgentConfig(env, 'parent-file', { okta: sim, statePath: join(env.dir, 'not-a-dir', 'state.db') });
  const r = await run(['sync', '-c', file]);
  expect(r.code).toBe(EXIT.STATE);
  expect(r.all).toMatch(/not-a-dir is a file, not a directory/);
  expect(r.all).not.toMatch(STACK_FRAME);
  expect(readFileSync(join(env.dir, 'not-a-dir'), 'utf8')).toBe('x');
});

test('item 6: an existing state file with mode 0644 is tightened to 0600, and the log says so', async () => {
  const { file, statePath } = withState('loose', (p) => {
    copyFileSync(goodState, p);
    chmodSync(p, 0o644);
  });
  const r = await run(['sync', '-c', file]);
  expect(r.code).toBe(EXIT.OK);
  expect(statSync(statePath).mode & 0o777).toBe(0o600);
  expect(r.all).toMatch(/mode 0644.*0600/);
});
