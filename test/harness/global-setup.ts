import { cleanupStaleRuns, createRunDir, RUN_DIR_ENV } from './run-dir';

/**
 * Jest globalSetup: creates this run's directory (servers' data, registry, the shared Samba DC's lock and
 * connection info) and names it in LDAP_OKTA_SYNC_TEST_RUN_DIR for the workers. Stops servers left by
 * earlier runs whose jest process died. Starts no server: slapd is started per test file and the Samba
 * AD DC lazily by the first test file that calls getSambaAd().
 */
export default async function globalSetup(): Promise<void> {
  const stale = await cleanupStaleRuns();
  if (stale.length) process.stderr.write(`test harness: stopped servers left by an earlier run: ${stale.join('; ')}\n`);
  process.env[RUN_DIR_ENV] = createRunDir();
}
