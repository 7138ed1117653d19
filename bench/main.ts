/**
 * `npm run bench`: runs every benchmark side by side in one process and prints ratios, because the
 * machines are shared and noisy. Usage: npm run bench [-- name ... [--sizes 10000,100000]]
 *   transform  records/s of a realistic 10-step transform pipeline vs. a hand-written baseline
 *   sync       full and incremental syncs at 10k and 100k users vs. a raw ldapsearch dump (--million: and 1M)
 *   dn         normalizeDn a DN (plain and escaped) vs. the former regex normalisation
 *   okta-sim   the simulator's lookups, creates, cursor listing and search at 10k vs. 100k users
 *   okta       the agent against the simulator: requests per create, per user, per change, drift; governor share and 429s (issue 8)
 *   latency    the daemon: directory edit → visible in the simulator, idle polls' CPU and requests (slapd, Samba AD)
 *   floor      what a no-change full run cannot go below (ldapts read, agent start, SDK load) vs. the raw dump
 * Each bench returns its figures; they are written to bench/results.json (see results.ts) with the
 * command and the date.
 */
import { benchDn } from './dn';
import { benchFloor } from './floor';
import { benchLatency } from './latency';
import { benchOkta } from './okta';
import { benchOktaSim } from './okta-sim';
import { writeResult, type Figures } from './results';
import { benchSync } from './sync';
import { benchTransform } from './transform';

type Bench = { name: string; run: (argv: string[]) => Promise<Figures> };
const benches: Bench[] = [
  { name: 'transform', run: () => benchTransform() },
  { name: 'sync', run: (argv) => benchSync(argv) },
  { name: 'dn', run: () => Promise.resolve(benchDn()) },
  { name: 'okta-sim', run: () => benchOktaSim() },
  { name: 'okta', run: () => benchOkta() },
  { name: 'latency', run: (argv) => benchLatency(argv) },
  { name: 'floor', run: (argv) => benchFloor(argv) },
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const wanted = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  for (const b of benches) {
    if (wanted.length && !wanted.includes(b.name)) continue;
    const figures = await b.run(argv);
    writeResult(b.name, { command, date: new Date().toISOString(), figures });
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
