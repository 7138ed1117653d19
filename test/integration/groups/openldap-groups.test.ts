/**
 * Group sync against a real slapd (groupOfNames, memberof overlay with referential integrity) and
 * the Okta simulator through the SDK. One OU per scenario.
 */
import { startSlapd, type SlapdServer } from '../../harness';
import { groupSyncScenario } from './scenario';
import { slapdGroupDirectory } from './helpers';

let ldap: SlapdServer | undefined;
async function server(): Promise<SlapdServer> {
  ldap ??= await startSlapd();
  return ldap;
}
afterAll(async () => {
  await ldap?.stop();
});

groupSyncScenario('OpenLDAP groups', async () => ({ dir: await slapdGroupDirectory(await server(), 'grp-main'), teardown: async () => undefined }));
