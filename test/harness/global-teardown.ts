import { RUN_DIR_ENV, removeRunDir } from './run-dir';
import { stopSharedSambaAd } from './samba-ad';

/**
 * Jest globalTeardown: stops the shared Samba AD DC if a test file started it, stops any slapd a test
 * file did not stop, and removes the run directory.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[RUN_DIR_ENV];
  if (!dir) return;
  await stopSharedSambaAd(dir);
  const leftovers = (await removeRunDir(dir)).filter((s) => !s.startsWith('samba'));
  if (leftovers.length) process.stderr.write(`test harness: stopped servers a test file left running: ${leftovers.join('; ')}\n`);
  delete process.env[RUN_DIR_ENV];
}
