import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './ports';
import { isAlive } from './processes';

/**
 * Exactly-once start of a resource shared by several processes (jest workers), coordinated through files
 * in `stateDir`:
 *   lock        created with O_EXCL by the one caller that starts the resource (holds its pid)
 *   info.json   the resource's description, written atomically once it is up
 *   error.txt   why starting failed (every caller then fails with it)
 * Other callers poll for info.json/error.txt. If the lock holder died before writing either, the next
 * caller removes the lock (and calls `onTakeover` to clean up half-started state) and starts it itself.
 */
export interface SharedResourceOptions<T> {
  waitTimeoutMs?: number;
  pollMs?: number;
  /** Checks a published resource; returns an error message when it is unusable (e.g. its process died). */
  check?: (info: T) => string | undefined;
  onTakeover?: () => void;
}

export async function acquireShared<T>(stateDir: string, start: () => Promise<T>, opts: SharedResourceOptions<T> = {}): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const lockFile = path.join(stateDir, 'lock');
  const infoFile = path.join(stateDir, 'info.json');
  const errorFile = path.join(stateDir, 'error.txt');
  const deadline = Date.now() + (opts.waitTimeoutMs ?? 300000);
  for (;;) {
    if (existsSync(infoFile)) {
      const info = JSON.parse(readFileSync(infoFile, 'utf8')) as T;
      const problem = opts.check?.(info);
      if (problem) throw new Error(problem);
      return info;
    }
    if (existsSync(errorFile)) throw new Error(readFileSync(errorFile, 'utf8'));
    let fd: number | undefined;
    try {
      fd = openSync(lockFile, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      try {
        const info = await start();
        writeFileSync(`${infoFile}.tmp`, JSON.stringify(info, null, 2));
        renameSync(`${infoFile}.tmp`, infoFile);
        return info;
      } catch (err) {
        writeFileSync(errorFile, (err as Error).message);
        throw err;
      }
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(lockFile, 'utf8').trim() || '0');
    } catch {
      continue; // the lock vanished (taken over meanwhile): look again
    }
    if (owner > 0 && !isAlive(owner) && !existsSync(infoFile) && !existsSync(errorFile)) {
      try {
        unlinkSync(lockFile);
      } catch {
        // another waiter took over first
      }
      opts.onTakeover?.();
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${opts.waitTimeoutMs ?? 300000} ms waiting for process ${owner} to start the shared resource in ${stateDir}`);
    await sleep(opts.pollMs ?? 200);
  }
}
