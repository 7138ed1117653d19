import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupStaleRuns, createRunDir, registeredServers, RUN_DIR_ENV } from '../../harness/run-dir';
import { startSlapd } from '../../harness';
import { isAlive } from '../../harness/util/processes';

/** Servers left behind by a jest run that died are stopped by the next run's globalSetup. */
test('cleanupStaleRuns stops the servers of a run whose jest process is gone and removes its directory', async () => {
  const mine = process.env[RUN_DIR_ENV];
  const stale = createRunDir();
  try {
    process.env[RUN_DIR_ENV] = stale;
    const server = await startSlapd();
    expect(registeredServers(stale).map((s) => s.pid)).toEqual([server.pid]);
    // the run's jest process "died"
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(path.join(stale, 'owner.json'), JSON.stringify({ pid: dead }));
    const stopped = await cleanupStaleRuns();
    expect(stopped.join()).toContain(`slapd pid ${server.pid}`);
    expect(isAlive(server.pid)).toBe(false);
    expect(existsSync(stale)).toBe(false);
    // the live run (this one) is untouched
    if (mine) expect(existsSync(mine)).toBe(true);
  } finally {
    process.env[RUN_DIR_ENV] = mine;
  }
});
