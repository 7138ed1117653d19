/**
 * `npm run bench`: runs every benchmark side by side in one process and prints ratios, because the
 * machines are shared and noisy. Usage: npm run bench [-- name ... [--sizes 10000,100000]]
 *   transform  records/s of a realistic 10-step transform pipeline vs. a hand-written baseline
 *   sync       full and incremental syncs at 10k and 100k users vs. a raw ldapsearch dump
 *   dn         normalizeDn a DN (plain and escaped) vs. the former regex normalisation
 *   okta-sim   the simulator's lookups, creates, cursor listing and search at 10k vs. 100k users
 */
import { benchDn } from './dn';
import { benchOktaSim } from './okta-sim';
import { benchSync } from './sync';
import { benchTransform } from './transform';

type Bench = { name: string; run: (argv: string[]) => Promise<void> };
const benches: Bench[] = [
  { name: 'transform', run: () => benchTransform() },
  { name: 'sync', run: (argv) => benchSync(argv) },
  { name: 'dn', run: () => Promise.resolve(benchDn()) },
  { name: 'okta-sim', run: () => benchOktaSim() },
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const wanted = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
  for (const b of benches) {
    if (wanted.length && !wanted.includes(b.name)) continue;
    await b.run(argv);
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
