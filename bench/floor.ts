/**
 * The read floor of a no-change full run (issue 10), side by side with the raw `ldapsearch` paged
 * dump the issue compares the run with, on the same slapd (seeded offline, as bench/sync.ts):
 * - the dump: OpenLDAP's C client, 500 entries a page, output to /dev/null;
 * - the same entries read by ldapts, the agent's LDAP client, with the agent's page size (100) and
 *   with 500, doing nothing with them;
 * - starting the agent's process (`ldap-okta-sync --version`: Node and the CLI's modules), and
 *   loading the Okta SDK, which every run that talks to Okta does (the mirror's refresh).
 * The sum is what the agent cannot go below with these parts, before a single record is planned.
 * Each figure is the fastest of 3 tries (the machines are shared and noisy).
 *
 * Usage: npm run bench -- floor [--sizes 100000]
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '../test/harness/ldap-ops';
import { startSlapd } from '../test/harness/slapd';
import { ratio, type Figures } from './results';
import { ATTRS, entries, OU, rawDump } from './sync';

const execFileP = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldap-okta-sync');

async function fastest(tries: number, f: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const t0 = performance.now();
    await f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function benchFloor(argv: string[] = []): Promise<Figures> {
  const i = argv.indexOf('--sizes');
  const n = i >= 0 ? Number(argv[i + 1].split(',')[0]) : 100_000;
  console.log(`\n== floor: what a no-change full run of ${n} users cannot go below, vs. the raw ldapsearch dump`);
  const ldap = await startSlapd({ seed: entries(n) });
  try {
    const filter = '(objectClass=inetOrgPerson)';
    const dump = await fastest(3, () => rawDump(ldap));
    const ldapts = async (pageSize: number) => {
      const client = await connect({ url: ldap.url, bindDn: ldap.serviceDn, bindPassword: ldap.servicePassword });
      try {
        let read = 0;
        for await (const page of client.searchPaginated(OU, { scope: 'sub', filter, attributes: [...ATTRS, 'entryUUID'], paged: { pageSize } })) {
          read += page.searchEntries.length;
        }
        if (read !== n) throw new Error(`ldapts read ${read} entries, not ${n}`);
      } finally {
        await client.unbind();
      }
    };
    const read100 = await fastest(3, () => ldapts(100));
    const read500 = await fastest(3, () => ldapts(500));
    const start = await fastest(3, () => execFileP(process.execPath, [BIN, '--version']));
    const bare = await fastest(3, () => execFileP(process.execPath, ['-e', '0']));
    const withSdk = await fastest(3, () => execFileP(process.execPath, ['-e', "require('@okta/okta-sdk-nodejs')"], { cwd: ROOT }));
    const sdk = withSdk - bare;
    const floor = read100 + start + sdk;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const x = (ms: number) => `${(ms / dump).toFixed(2)}×`;
    const rows: [string, number][] = [
      ['raw ldapsearch paged dump (500 a page)', dump],
      ['ldapts, the same entries, 100 a page (the agent’s default)', read100],
      ['ldapts, the same entries, 500 a page', read500],
      ['start the agent (ldap-okta-sync --version)', start],
      ['load the Okta SDK', sdk],
      ['floor: ldapts (100) + start + SDK', floor],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [label, ms] of rows) console.log(`${label.padEnd(w)}  ${s(ms).padStart(8)}  ${x(ms).padStart(7)}`);
    const k = `@${n / 1000}k`;
    return {
      [`dumpMs${k}`]: { value: Math.round(dump), unit: 'ms' },
      [`ldaptsReadOverDump${k}`]: { value: ratio(read100 / dump), unit: '× raw ldapsearch dump (ldapts, 100 a page, nothing done with the entries)' },
      [`ldaptsRead500OverDump${k}`]: { value: ratio(read500 / dump), unit: '× raw ldapsearch dump (ldapts, 500 a page)' },
      [`agentStartMs`]: { value: Math.round(start), unit: 'ms (ldap-okta-sync --version)' },
      [`sdkLoadMs`]: { value: Math.round(sdk), unit: 'ms' },
      [`floorOverDump${k}`]: { value: ratio(floor / dump), unit: '× raw ldapsearch dump (ldapts read + agent start + SDK load)' },
    };
  } finally {
    await ldap.stop();
  }
}
