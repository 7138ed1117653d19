/**
 * The hook worker of the compiled agent (dist/, what the CLI runs): host.js starts worker.js, with no
 * TypeScript involved. The rest of the suite runs the sources under jest, where the worker starts
 * through src/transform/hook/ts-source.js instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../helpers/process';
import type * as Transform from '../../src/transform';

const ROOT = join(__dirname, '..', '..');
const fixtures = join(__dirname, '../fixtures/transform');

test('the compiled agent runs a hook in worker.js, with the stage helpers and the time limit', async () => {
  ensureBuilt();
  expect(existsSync(join(ROOT, 'dist/transform/hook/worker.js'))).toBe(true);
  expect(existsSync(join(ROOT, 'dist/transform/hook/ts-source.js'))).toBe(false);
  const transform = require(join(ROOT, 'dist/transform/index.js')) as typeof Transform;
  const steps = [
    { map: { login: '{uid}@corp.example', firstName: '{givenName}' } },
    { hook: { module: 'hooks/enrich.js' } },
    { hook: { module: 'hooks/misbehave.js', timeoutMs: 300 } },
  ];
  const p = transform.compilePipelineOrThrow(steps, { baseDir: fixtures });
  await p.beginRun();
  try {
    const record = (uid: string) => ({ anchor: uid, dn: `uid=${uid},dc=x`, disabled: false, attributes: { uid: [uid], givenname: ['Zoë-Łucja'] } });
    expect(await p.run(record('Zoë'), { now: new Date() })).toMatchObject({
      kind: 'ok',
      profile: { nickName: 'Zoe-Lucja', loginKey: 'zoe@corp.example', phoneE164: '+14155552671', photoBytes: 0, hooked: true },
    });
    expect(await p.run(record('loops'), { now: new Date() })).toMatchObject({ kind: 'quarantine', reason: 'hook did not finish within 300 ms' });
    expect(await p.run(record('ok'), { now: new Date() })).toMatchObject({ kind: 'ok', profile: { hooked: true } });
  } finally {
    await p.close();
  }
});
