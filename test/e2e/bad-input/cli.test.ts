/**
 * Issue 9, the command line as a process: a closed stdout (`plan | head`) ends quietly, a YAML alias
 * bomb is a configuration error with file and line, a sync stopped by SIGTERM has its own exit code.
 * Never a stack trace.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { EXIT } from '../../../src/cli/exit-codes';
import { cleanupEnv, FAST_LIMITS, scenarioDir, sync } from '../../helpers/agent';
import { ldifAgentConfig, peopleLdif } from '../../helpers/ldif-scenario';
import { STACK_FRAME, runAgent, start } from '../../helpers/process';

let sim: OktaSimulator;
const env = scenarioDir('bad-input-cli');

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

const run = (...args: string[]) => runAgent(args);

test('item 11: `plan | head`: a stdout closed by the reader ends the command quietly, exit 0, no EPIPE stack', async () => {
  const { file } = ldifAgentConfig(env, 'epipe', { okta: sim, ldif: peopleLdif(3000) });
  const p = start(['plan', '-c', file, '--json']);
  // the reader takes the first chunk and goes away, as `head -c` does
  await new Promise((r) => p.child.stdout!.once('data', r));
  p.child.stdout!.destroy();
  const code = await p.exited;
  expect(p.output()).not.toMatch(/EPIPE/);
  expect(p.output()).not.toMatch(STACK_FRAME);
  expect(code).toBe(EXIT.OK);
});

test('item 12: a YAML alias bomb is a configuration error (exit 3) with file and line, not a crash', async () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(i === 1 ? '*a' : `*l${i - 1}`)
        .join(',')}]`,
    );
  const file = env.file('bomb.yaml', lines.join('\n') + '\n');
  const r = await run('config', 'validate', '-c', file);
  expect(r.all).not.toMatch(STACK_FRAME);
  expect(r.code).toBe(EXIT.CONFIG);
  expect(r.all).toMatch(/bomb\.yaml:\d+:\d+: .*alias/i);
});

test('item 13: a sync stopped by SIGTERM exits 11 (interrupted), says so, and the next sync finishes the job', async () => {
  const slow = await startOktaSimulator({ rateLimits: FAST_LIMITS, latencyMs: 150 });
  try {
    const n = 40;
    const { file } = ldifAgentConfig(env, 'sigterm', {
      okta: { url: slow.url, token: slow.token },
      ldif: peopleLdif(n),
      extra: 'safeguards:\n  updates: { percent: 100 }',
    });
    const p = start(['sync', '-c', file]);
    const t0 = Date.now();
    while (slow.store.userCount < 3) {
      if (Date.now() - t0 > 60_000) throw new Error(`the sync did not start writing:\n${p.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    p.child.kill('SIGTERM');
    const code = await p.exited;
    expect(p.output()).not.toMatch(STACK_FRAME);
    expect(p.output()).toMatch(/SIGTERM/);
    expect(code).toBe(EXIT.INTERRUPTED);
    const next = await sync(file);
    expect(next.code).toBe(EXIT.OK);
    expect(slow.store.userCount).toBe(n);
  } finally {
    await slow.close();
  }
}, 120_000);

test('item 17: `status` during a live run calls its journal writes in flight, not writes of an interrupted run', async () => {
  const slow = await startOktaSimulator({ rateLimits: FAST_LIMITS, latencyMs: 300 });
  try {
    const { file } = ldifAgentConfig(env, 'live', { okta: { url: slow.url, token: slow.token }, ldif: peopleLdif(400, { prefix: 'live' }) });
    const p = start(['sync', '-c', file]);
    try {
      const t0 = Date.now();
      while (slow.store.userCount < 2) {
        if (Date.now() - t0 > 60_000) throw new Error(`the sync did not start writing:\n${p.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const status = start(['status', '-c', file]);
      let out = '';
      status.child.stdout!.on('data', (d) => (out += d));
      expect(await status.exited).toBe(EXIT.OK);
      expect(out).toMatch(/Run in progress: run 1 \(pid \d+ on \S+, since \S+\)/);
      expect(out).not.toMatch(/interrupted/);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  } finally {
    await slow.close();
  }
}, 120_000);
