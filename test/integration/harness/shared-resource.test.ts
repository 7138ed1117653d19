import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquireShared } from '../../harness/util/shared-resource';
import { sleep } from '../../harness/util/ports';

/** The exactly-once start behind getSambaAd, exercised with a cheap resource (no server). */
describe('acquireShared', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shared-resource-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('concurrent callers start the resource once and all get its info', async () => {
    let starts = 0;
    const start = async (): Promise<{ id: number }> => {
      starts++;
      await sleep(300);
      return { id: 42 };
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => acquireShared(dir, start, { pollMs: 20 })));
    expect(starts).toBe(1);
    expect(results).toEqual(Array.from({ length: 6 }, () => ({ id: 42 })));
    // later callers read the published info
    expect(await acquireShared(dir, start)).toEqual({ id: 42 });
    expect(starts).toBe(1);
  });

  test('a failed start fails every waiter with the same message, and later callers too', async () => {
    const start = async (): Promise<never> => {
      await sleep(100);
      throw new Error('port 389 is taken');
    };
    const all = await Promise.allSettled(Array.from({ length: 3 }, () => acquireShared(dir, start, { pollMs: 20 })));
    expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of all) expect((r as PromiseRejectedResult).reason.message).toContain('port 389 is taken');
    await expect(acquireShared(dir, async () => ({ ok: true }))).rejects.toThrow('port 389 is taken');
  });

  test('a lock left by a dead process is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(path.join(dir, 'lock'), String(dead));
    let tookOver = false;
    const info = await acquireShared(dir, async () => ({ fresh: true }), { pollMs: 20, onTakeover: () => (tookOver = true) });
    expect(info).toEqual({ fresh: true });
    expect(tookOver).toBe(true);
  });

  test('a published resource that fails its check is reported, not restarted', async () => {
    await acquireShared(dir, async () => ({ pid: 1 }));
    await expect(acquireShared(dir, async () => ({ pid: 2 }), { check: (i) => (i.pid === 1 ? 'DC died' : undefined) })).rejects.toThrow('DC died');
    expect(existsSync(path.join(dir, 'info.json'))).toBe(true);
  });

  test('waiting for a live holder times out', async () => {
    writeFileSync(path.join(dir, 'lock'), String(process.pid));
    await expect(acquireShared(dir, async () => ({}), { waitTimeoutMs: 200, pollMs: 20 })).rejects.toThrow(/timed out/);
  });
});
